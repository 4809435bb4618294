"""Administrator pages in the desk: regions, departments, the audit log (read-only here;
regions and departments are edited in the Django admin)."""

import django_filters
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
    list_columns = ("name", "code", "level", "parent")
    list_search_fields = ["name", "code"]
    list_filter_fields = ["level"]


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
    list_columns = ("at", "actor_name", "action", "model", "object_repr", "changed_fields")
    list_search_fields = ["object_repr", "actor_name", "object_pk"]
    list_filterset_class = AuditFilter


