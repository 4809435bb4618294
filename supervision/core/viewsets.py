"""Viewflow model viewsets that filter by jurisdiction in SQL and 404 outsiders.

A subclass says who may open the list (``can_list``), how to scope the queryset
(``scope``), and who may add or change (``can_add`` / ``can_change``). Detail and
change pages look the object up *through the scoped queryset*, so a record outside
the user's reach is simply not found.
"""

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import DetailViewMixin, ModelViewset
from viewflow.utils import Icon
from viewflow.views import Action, CreateModelView, DetailModelView, ListModelView, UpdateModelView

from supervision.core import audit
from supervision.core.export import export_response


class _ScopedQuerysetMixin:
    def get_queryset(self):
        return self.viewset.get_queryset(self.request)


class ScopedListView(ListModelView):
    def get_queryset(self):
        # FilterableViewMixin / SearchableViewMixin chain on top of the scoped queryset.
        self.queryset = self.viewset.get_queryset(self.request)
        return super().get_queryset()


class ScopedDetailView(_ScopedQuerysetMixin, DetailModelView):
    def get_object_data(self):
        for field, label, value in super().get_object_data():
            if isinstance(value, bool):
                value = _("Yes") if value else _("No")
            yield field, label, value


class _FormUserMixin:
    """Hand the user to forms that scope their choices (``InstitutionForm(user=…)``)."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if getattr(self.get_form_class(), "takes_user", False):
            kwargs["user"] = self.request.user
        return kwargs


class ScopedCreateView(_FormUserMixin, CreateModelView):
    def has_add_permission(self, request):
        return self.viewset.has_add_permission(request.user)


class ScopedUpdateView(_FormUserMixin, _ScopedQuerysetMixin, UpdateModelView):
    def has_change_permission(self, request, obj=None):
        return self.viewset.has_change_permission(request.user, obj)


class ScopedModelViewset(DetailViewMixin, ModelViewset):
    list_view_class = ScopedListView
    detail_view_class = ScopedDetailView
    create_view_class = ScopedCreateView
    update_view_class = ScopedUpdateView
    export_formats = ()  # ("xlsx", "csv") to offer exports of the filtered list
    export_columns = ()  # [(header, getter)], see supervision.core.export
    export_filename = "export"
    list_paginator_class = None  # e.g. LookaheadPaginator, for lists too long to count

    def get_list_view_kwargs(self, **kwargs):
        if self.list_paginator_class is not None:
            kwargs.setdefault("paginator_class", self.list_paginator_class)
        return super().get_list_view_kwargs(**kwargs)

    # --- to override -----------------------------------------------------
    def scope(self, user, queryset):
        """Restrict ``queryset`` to what ``user`` may see. Must filter in SQL."""
        return queryset.none()

    def can_list(self, user) -> bool:
        return False

    def can_add(self, user) -> bool:
        return False

    def can_change(self, user, obj) -> bool:
        return False

    # --- viewflow hooks --------------------------------------------------
    def get_queryset(self, request):
        return self.scope(request.user, self.model._default_manager.all())

    def has_view_permission(self, user, obj=None):
        if not user.is_authenticated or not self.can_list(user):
            return False
        if obj is None:
            return True
        return self.scope(user, self.model._default_manager.filter(pk=obj.pk)).exists()

    def has_add_permission(self, user):
        return user.is_authenticated and self.can_add(user)

    def has_change_permission(self, user, obj=None):
        if not user.is_authenticated:
            return False
        if obj is None:
            return self.can_add(user)
        return self.can_change(user, obj)

    def get_object_url(self, request, obj):
        return self.reverse("detail", args=[obj.pk])

    def get_list_page_actions(self, request, *actions):
        query = request.GET.copy()
        query.pop("page", None)
        extra = []
        for fmt in self.export_formats:
            params = urlencode([*query.lists(), ("format", fmt)], doseq=True)
            extra.append(
                Action(
                    name=_("Export %(format)s") % {"format": fmt.upper()},
                    url=f"{self.reverse('export')}?{params}",
                    icon=Icon("download", class_="material-icons mdc-list-item__graphic"),
                )
            )
        return super().get_list_page_actions(request, *actions, *extra)

    # --- export of the filtered list ---------------------------------------
    def export_queryset(self, queryset):
        return queryset

    def export_view(self, request):
        if not self.has_view_permission(request.user):
            raise PermissionDenied
        fmt = request.GET.get("format", "xlsx")
        if fmt not in self.export_formats:
            raise Http404
        # Reuse the list view so the export holds exactly the rows the list shows:
        # jurisdiction scope, filters and search alike.
        list_view = self.list_view_class(**self.get_list_view_kwargs())
        list_view.setup(request)
        queryset = self.export_queryset(list_view.get_queryset())
        audit.record_export(self.model, queryset.count(), {k: v for k, v in request.GET.lists()})
        return export_response(queryset.iterator(chunk_size=2000), list(self.export_columns), fmt, self.export_filename)

    @property
    def export_path(self):
        if not self.export_formats:
            return None
        return path("export/", self.export_view, name="export")
