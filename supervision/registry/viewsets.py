"""Desk pages of the target library: list with filters and search, detail, edit, export, import."""

import django_filters
from django.utils.translation import gettext_lazy as _
from viewflow.utils import Icon
from viewflow.views import Action

from supervision.core.models import RegionLevel
from supervision.core.viewsets import ScopedModelViewset
from supervision.registry import access, coverage
from supervision.registry.forms import InstitutionForm
from supervision.registry.models import (
    CreditClass,
    FilingStatus,
    Institution,
    InstitutionKind,
    OperatingStatus,
    Ownership,
)
from supervision.staff.access import actor_for, regions_for


def _districts(request):
    return regions_for(request.user if request else None, RegionLevel.DISTRICT)


def _streets(request):
    return regions_for(request.user if request else None, RegionLevel.STREET)


class InstitutionFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(
        label=_("District"), field_name="region__parent", queryset=_districts
    )
    region = django_filters.ModelChoiceFilter(label=_("Street / township"), queryset=_streets)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=InstitutionKind.choices)
    ownership = django_filters.ChoiceFilter(label=_("Ownership"), choices=Ownership.choices)
    for_profit = django_filters.TypedChoiceFilter(
        label=_("For profit"), choices=[("1", _("For profit")), ("0", _("Non-profit"))],
        coerce=lambda value: value == "1",
    )
    credit_class = django_filters.ChoiceFilter(label=_("Credit class"), choices=CreditClass.choices)
    filing_status = django_filters.ChoiceFilter(label=_("Filing status"), choices=FilingStatus.choices)
    operating_status = django_filters.ChoiceFilter(label=_("Operating status"), choices=OperatingStatus.choices)
    not_visited = django_filters.BooleanFilter(label=_("Not visited on site for more than 12 months"),
                                               method="filter_not_visited")

    class Meta:
        model = Institution
        fields = [
            "district", "region", "kind", "ownership", "for_profit",
            "credit_class", "filing_status", "operating_status", "not_visited",
        ]

    def filter_not_visited(self, queryset, name, value):
        if value is None:
            return queryset
        visited = coverage.visited_q()
        return queryset.exclude(visited) if value else queryset.filter(visited)


def _choice(field_name):
    def getter(obj):
        return getattr(obj, f"get_{field_name}_display")()

    return getter


INSTITUTION_EXPORT_COLUMNS = [
    (_("Unified social credit code"), lambda i: i.credit_code or _("pending")),
    (_("Name"), lambda i: i.name),
    (_("District"), lambda i: i.region.parent.name),
    (_("Street / township"), lambda i: i.region.name),
    (_("Supervising district"), lambda i: i.supervising_region.name if i.supervising_district_id else ""),
    (_("Address"), lambda i: i.address),
    (_("Postcode"), lambda i: i.postcode),
    (_("Opened on"), lambda i: i.founded_on),
    (_("Kind"), _choice("kind")),
    (_("Ownership"), _choice("ownership")),
    (_("For profit"), lambda i: i.for_profit),
    (_("Beds"), lambda i: i.beds),
    (_("Floor area (m²)"), lambda i: i.floor_area),
    (_("Legal representative"), lambda i: i.legal_representative),
    (_("Contact person"), lambda i: i.contact_person),
    (_("Contact phone"), lambda i: i.contact_phone),
    (_("Filing status"), _choice("filing_status")),
    (_("Operating status"), _choice("operating_status")),
    (_("Credit class"), _choice("credit_class")),
    (_("Latitude"), lambda i: i.latitude),
    (_("Longitude"), lambda i: i.longitude),
    (_("Why the credit code is pending"), lambda i: i.credit_code_pending_reason),
]


class InstitutionViewset(ScopedModelViewset):
    model = Institution
    icon = Icon("apartment")
    title = _("Institutions")
    list_columns = ("name", "credit_code_or_pending", "district_name", "region", "kind", "beds", "filing_status", "credit_class")
    list_filterset_class = InstitutionFilter
    list_search_fields = ["name", "credit_code", "address", "legal_representative"]
    list_paginate_by = 25
    export_formats = ("xlsx", "csv")
    export_columns = INSTITUTION_EXPORT_COLUMNS
    export_filename = "institutions"
    form_class = InstitutionForm

    def district_name(self, obj):
        return obj.region.parent.name

    def credit_code_or_pending(self, obj):
        return obj.credit_code or _("pending")

    credit_code_or_pending.short_description = _("Unified social credit code")

    district_name.short_description = _("District")

    def scope(self, user, queryset):
        return access.institutions_for(user, queryset.select_related("region__parent", "supervising_district"))

    def can_list(self, user):
        actor = actor_for(user)
        return actor.is_admin or actor.is_official or actor.is_operator

    def can_add(self, user):
        return access.can_edit_institutions(user)

    def can_change(self, user, obj):
        return access.can_edit_institution(user, obj)

    def get_list_page_actions(self, request, *actions):
        if access.can_edit_institutions(request.user):
            actions = (
                Action(
                    name=_("Import"),
                    viewname="libraries:import_institutions",
                    icon=Icon("upload", class_="material-icons mdc-list-item__graphic"),
                ),
                *actions,
            )
        return super().get_list_page_actions(request, *actions)
