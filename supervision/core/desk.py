"""Administrator pages in the desk: regions, departments, the audit log (read-only here;
regions and departments are edited in the Django admin)."""

import django_filters
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from viewflow.urls import ReadonlyModelViewset
from viewflow.utils import Icon

from supervision.core.roles import is_administrator
from supervision.core.models import AuditAction, AuditEntry, Department, Region
from supervision.core.viewsets import ScopedListView, ScopedDetailView


def _is_admin(user):
    return is_administrator(user)


class AdminOnlyViewset(ReadonlyModelViewset):
    list_view_class = ScopedListView
    detail_view_class = ScopedDetailView

    def get_queryset(self, request):
        qs = self.model._default_manager.all()
        return qs if _is_admin(request.user) else qs.none()

    def has_view_permission(self, user, obj=None):
        return _is_admin(user)


class RegionViewset(AdminOnlyViewset):
    model = Region
    icon = Icon("map")
    title = _("Regions")
    list_columns = ("name", "code", "level", "parent_region")
    list_search_fields = ["name", "code"]
    list_filter_fields = ["level"]


    def parent_region(self, obj):
        # Not "parent": a viewset has a parent attribute of its own, which the list would show.
        return obj.parent.name if obj.parent_id else ""

    parent_region.short_description = _("parent region")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")


class DepartmentViewset(AdminOnlyViewset):
    model = Department
    icon = Icon("account_balance")
    title = _("Departments")
    list_columns = ("name", "kind", "region", "short_name")
    list_search_fields = ["name"]
    list_filter_fields = ["kind"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region")


class AuditFilter(django_filters.FilterSet):
    model = django_filters.CharFilter(label=_("Record type"))
    action = django_filters.ChoiceFilter(label=_("Action"), choices=AuditAction.choices)
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("Until"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEntry
        fields = ["model", "action", "since", "until"]


class AuditViewset(AdminOnlyViewset):
    model = AuditEntry
    icon = Icon("history")
    title = _("Audit log")
    list_columns = ("at", "actor_name", "action", "record_type", "object_repr", "changed_field_names")
    list_search_fields = ["object_repr", "actor_name", "object_pk"]
    list_filterset_class = AuditFilter

    def record_type(self, obj):
        # Not "model": the viewset's own model attribute would shadow the field.
        model = _model_of(obj)
        return model._meta.verbose_name if model else obj.model

    record_type.short_description = _("record type")

    def changed_field_names(self, obj):
        model = _model_of(obj)
        return "、".join(str(_field_label(model, name)) for name in obj.changed_fields)

    changed_field_names.short_description = _("changed fields")


def _model_of(entry):
    from django.apps import apps

    try:
        return apps.get_model(entry.model)
    except (LookupError, ValueError):
        return None


def _field_label(model, name):
    if model is None:
        return name
    try:
        return model._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


