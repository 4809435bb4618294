"""The bureau's filing pages: filings to check / returned / accepted, verifications due / overdue /
done, commitments broken, institutions operating without a filing.

Every list is scoped to the user's reach in SQL (filings.access, registry.access), filtered,
sortable by its columns, paged without counting (LookaheadPaginator) and exported to XLSX.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, Exists, F, Min, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.utils import Icon

from supervision.core import clock
from supervision.core.models import RegionLevel
from supervision.core.pagination import LookaheadPaginator
from supervision.core.viewsets import ScopedDetailView, ScopedModelViewset
from supervision.filings import access, services
from supervision.filings.commitments import public_commitment
from supervision.filings.compare import compare_versions
from supervision.filings.forms import UnfiledForm
from supervision.filings.models import (
    CommitmentBreach,
    Filing,
    FilingKind,
    FilingState,
    FilingVerification,
    VerificationReason,
)
from supervision.filings.portal import receipt_response
from supervision.inspections.models import InspectionStatus
from supervision.registry.access import institutions_for
from supervision.registry.models import FilingStatus, Institution, InstitutionKind, OperatingStatus
from supervision.staff.access import actor_for, regions_for
from supervision.staff.models import Role


def _districts(request):
    return regions_for(request.user if request else None, RegionLevel.DISTRICT)


def _streets(request):
    return regions_for(request.user if request else None, RegionLevel.STREET)


# --- filings -------------------------------------------------------------------------------------


class FilingFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=[c for c in FilingState.choices
                                                                        if c[0] != FilingState.DRAFT])
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FilingKind.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), field_name="institution__region__parent",
                                                queryset=_districts)
    submitted_after = django_filters.DateFilter(label=_("Submitted from"), field_name="submitted_at",
                                                lookup_expr="date__gte")
    submitted_before = django_filters.DateFilter(label=_("Submitted until"), field_name="submitted_at",
                                                 lookup_expr="date__lte")

    class Meta:
        model = Filing
        fields = ["state", "kind", "district", "submitted_after", "submitted_before"]


FILING_EXPORT_COLUMNS = [
    (_("Institution"), lambda f: f.name or f.institution.name),
    (_("Credit code"), lambda f: f.credit_code),
    (_("Kind"), lambda f: f.get_kind_display()),
    (_("State"), lambda f: f.get_state_display()),
    (_("Filing office"), lambda f: f.office.name if f.office_id else ""),
    (_("Submitted"), lambda f: f.submitted_at),
    (_("Filing deadline"), lambda f: f.deadline),
    (_("Receipt number"), lambda f: f.receipt_number or ""),
    (_("Accepted"), lambda f: f.accepted_at),
    (_("Beds"), lambda f: f.beds),
]


class FilingDetailView(ScopedDetailView):
    template_name = "filings/filing_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing = self.object
        versions = list(filing.versions.select_related("submitted_by", "decided_by").order_by("number"))
        before = services.declared(filing.amends) if filing.amends_id else None
        previous = None
        comparisons = []
        for version in versions:
            # Each version against the one before it (or, for a change, against the filing it amends).
            base = previous.data if previous else before
            comparisons.append((version, compare_versions(base, version.data)))
            previous = version
        context.update({
            "filing": filing, "comparisons": comparisons, "signature": getattr(filing, "signature", None),
            "verifications": filing.verifications.select_related("inspection"),
            "commitment": public_commitment(filing.institution) if filing.state == FilingState.ACCEPTED else None,
            "check_url": _check_url(filing, self.request.user),
        })
        return context


def _check_url(filing, user) -> str:
    """The open check task of the filing's process, if the user may do it (the flow's business)."""
    from django.apps import apps

    if filing.state != FilingState.SUBMITTED or not access.may_check(user, filing) or not apps.is_installed(
            "workflows.filing"):
        return ""
    from workflows.filing.flows import check_task_url

    return check_task_url(filing)


class FilingViewset(ScopedModelViewset):
    model = Filing
    icon = Icon("assignment")
    title = _("Filings")
    list_columns = ("institution_name", "kind", "state", "office", "submitted_at", "deadline", "receipt_number")
    list_filterset_class = FilingFilter
    list_search_fields = ["name", "institution__name", "credit_code", "receipt_number"]
    list_paginate_by = 25
    list_paginator_class = LookaheadPaginator
    detail_view_class = FilingDetailView
    export_formats = ("xlsx",)
    export_columns = FILING_EXPORT_COLUMNS
    export_filename = "filings"
    create_path = None
    update_path = None

    def scope(self, user, queryset):
        return access.filings_for(user, queryset).select_related("institution", "office").order_by(
            "-submitted_at", "-pk")

    def can_list(self, user):
        return access.is_filing_official(user) or actor_for(user).is_operator

    def institution_name(self, obj):
        return obj.name or obj.institution.name

    institution_name.short_description = _("Institution")

    def _filing(self, request, pk):
        return access.get_filing_for_user(request.user, pk)

    def receipt_view(self, request, pk):
        return receipt_response(self._filing(request, pk))

    @property
    def receipt_path(self):
        return path("<int:pk>/receipt/", self.receipt_view, name="receipt")

    def certificate_view(self, request, pk):
        filing = self._filing(request, pk)
        if not filing.certificate:
            raise Http404
        try:
            handle = filing.certificate.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, content_type=filing.certificate_type,
                            filename=filing.certificate_name or f"certificate{filing.certificate_extension}")

    @property
    def certificate_path(self):
        return path("<int:pk>/certificate/", self.certificate_view, name="certificate")


# --- verifications -------------------------------------------------------------------------------


class VerificationState:
    DUE, OVERDUE, DONE, CANCELLED = "due", "overdue", "done", "cancelled"
    choices = [(DUE, _("Due")), (OVERDUE, _("Overdue")), (DONE, _("Done")),
               (CANCELLED, _("Cancelled"))]
    labels = dict(choices)


def with_verification_state(queryset, today=None):
    today = today or clock.today()
    return queryset.annotate(verification_state=Case(
        When(inspection__status=InspectionStatus.SUBMITTED, then=Value(VerificationState.DONE)),
        When(inspection__status=InspectionStatus.CANCELLED, then=Value(VerificationState.CANCELLED)),
        When(due_on__lt=today, then=Value(VerificationState.OVERDUE)),
        default=Value(VerificationState.DUE), output_field=CharField(),
    ))


class VerificationFilter(django_filters.FilterSet):
    verification_state = django_filters.ChoiceFilter(label=_("State"), choices=VerificationState.choices)
    reason = django_filters.ChoiceFilter(label=_("Reason"), choices=VerificationReason.choices)
    district = django_filters.ModelChoiceFilter(label=_("District"), field_name="institution__region__parent",
                                                queryset=_districts)
    due_before = django_filters.DateFilter(label=_("Due by"), field_name="due_on", lookup_expr="lte")

    class Meta:
        model = FilingVerification
        fields = ["verification_state", "reason", "district", "due_before"]


VERIFICATION_EXPORT_COLUMNS = [
    (_("Institution"), lambda v: v.institution.name),
    (_("Reason"), lambda v: v.get_reason_display()),
    (_("Counted from"), lambda v: v.counted_from),
    (_("Due by"), lambda v: v.due_on),
    (_("Due date provisional"), lambda v: v.due_provisional),
    (_("State"), lambda v: VerificationState.labels[v.verification_state]),
    (_("Inspection"), lambda v: v.inspection_id),
]


class VerificationViewset(ScopedModelViewset):
    model = FilingVerification
    icon = Icon("fact_check")
    title = _("Filing verifications")
    list_columns = ("institution", "reason", "counted_from", "due_on", "state_label", "team_names")
    list_filterset_class = VerificationFilter
    list_search_fields = ["institution__name"]
    list_paginate_by = 25
    list_paginator_class = LookaheadPaginator
    export_formats = ("xlsx",)
    export_columns = VERIFICATION_EXPORT_COLUMNS
    export_filename = "filing-verifications"
    create_path = None
    update_path = None

    def scope(self, user, queryset):
        return with_verification_state(access.verifications_for(user, queryset)).select_related(
            "institution", "inspection").prefetch_related("inspection__team").order_by("due_on", "pk")

    def can_list(self, user):
        return actor_for(user).is_official or actor_for(user).is_admin

    def state_label(self, obj):
        return VerificationState.labels[obj.verification_state]

    state_label.short_description = _("State")

    def team_names(self, obj):
        return "、".join(o.name for o in obj.inspection.team.all())

    team_names.short_description = _("Team")


# --- commitments broken --------------------------------------------------------------------------


class BreachFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("District"),
                                                field_name="filing__institution__region__parent", queryset=_districts)
    found_after = django_filters.DateFilter(label=_("Found from"), field_name="found_on", lookup_expr="gte")

    class Meta:
        model = CommitmentBreach
        fields = ["district", "found_after"]


BREACH_EXPORT_COLUMNS = [
    (_("Institution"), lambda b: b.filing.institution.name),
    (_("Commitment item"), lambda b: b.item_title),
    (_("Found on"), lambda b: b.found_on),
    (_("Finding"), lambda b: b.finding.description),
    (_("Receipt number"), lambda b: b.filing.receipt_number or ""),
]


class BreachViewset(ScopedModelViewset):
    model = CommitmentBreach
    icon = Icon("gpp_bad")
    title = _("Commitments broken")
    list_columns = ("institution_name", "item_title", "found_on", "finding_text")
    list_filterset_class = BreachFilter
    list_search_fields = ["filing__institution__name", "item_title"]
    list_paginate_by = 25
    list_paginator_class = LookaheadPaginator
    export_formats = ("xlsx",)
    export_columns = BREACH_EXPORT_COLUMNS
    export_filename = "commitments-broken"
    create_path = None
    update_path = None

    def scope(self, user, queryset):
        # Operators read their own commitment's standing on their portal, not here.
        if not access.is_filing_official(user):
            return queryset.none()
        q = access.filing_q(user, "filing__")
        queryset = queryset if q is None else queryset.filter(q)
        return queryset.select_related("filing__institution", "finding").order_by("-found_on", "-pk")

    def can_list(self, user):
        return access.is_filing_official(user)

    def institution_name(self, obj):
        return obj.filing.institution.name

    institution_name.short_description = _("Institution")

    def finding_text(self, obj):
        return obj.finding.description

    finding_text.short_description = _("Finding")


# --- institutions operating without a filing ---------------------------------------------------


def unfiled_institutions(user, queryset=None, today=None):
    """Residential institutions in reach, operating, with no accepted filing; how long, in SQL."""
    queryset = Institution.objects.all() if queryset is None else queryset
    today = today or clock.today()
    accepted = Filing.objects.filter(institution=OuterRef("pk"), state=FilingState.ACCEPTED)
    found = FilingVerification.objects.filter(institution=OuterRef("pk"), reason=VerificationReason.UNFILED)
    return (
        institutions_for(user, queryset)
        .filter(kind=InstitutionKind.RESIDENTIAL, operating_status=OperatingStatus.OPERATING)
        # Filed before this system: the registry says so, though no filing is recorded here.
        .exclude(filing_status__in=[FilingStatus.FILED, FilingStatus.CHANGE_FILED])
        .exclude(Exists(accepted))
        .annotate(first_resident_on=Min("filings__first_resident_on"),
                  found_unfiled_on=Min("filing_verifications__counted_from",
                                       filter=Q(filing_verifications__reason=VerificationReason.UNFILED)),
                  reported=Exists(found))
        .annotate(unfiled_since=Coalesce(F("first_resident_on"), F("found_unfiled_on"), TruncDate("created")))
    )


class UnfiledDetailView(ScopedDetailView):
    template_name = "filings/unfiled_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        institution = self.object
        context.update({
            "institution": institution,
            "open_filing": services.open_filing(institution),
            "verifications": institution.filing_verifications.select_related("inspection"),
            "may_report": _may_report(self.request.user, institution),
            "form": UnfiledForm(initial={"found_on": clock.today()}),
        })
        return context


def _may_report(user, institution) -> bool:
    actor = actor_for(user)
    return (actor.official is not None and actor.in_civil_affairs and Role.PLANNER in actor.roles
            and actor.covers_region(institution.region))


UNFILED_EXPORT_COLUMNS = [
    (_("Institution"), lambda i: i.name),
    (_("Credit code"), lambda i: i.credit_code),
    (_("District"), lambda i: i.region.parent.name if i.region.parent_id else ""),
    (_("Beds"), lambda i: i.beds),
    (_("Without a filing since"), lambda i: i.unfiled_since),
    (_("Days"), lambda i: (clock.today() - i.unfiled_since).days if i.unfiled_since else None),
    (_("Found housing residents"), lambda i: i.reported),
]


class UnfiledFilter(django_filters.FilterSet):
    district = django_filters.ModelChoiceFilter(label=_("District"), field_name="region__parent",
                                                queryset=_districts)
    region = django_filters.ModelChoiceFilter(label=_("Street / township"), queryset=_streets)
    reported = django_filters.BooleanFilter(label=_("Found housing residents"))

    class Meta:
        model = Institution
        fields = ["district", "region", "reported"]


class UnfiledViewset(ScopedModelViewset):
    model = Institution
    icon = Icon("report")
    title = _("Operating without a filing")
    list_columns = ("name", "district_name", "beds", "since", "days_unfiled", "reported_label")
    list_filterset_class = UnfiledFilter
    list_search_fields = ["name", "credit_code"]
    list_paginate_by = 25
    list_paginator_class = LookaheadPaginator
    detail_view_class = UnfiledDetailView
    export_formats = ("xlsx",)
    export_columns = UNFILED_EXPORT_COLUMNS
    export_filename = "unfiled-institutions"
    create_path = None
    update_path = None

    def scope(self, user, queryset):
        if not access.is_filing_official(user):
            return queryset.none()
        return unfiled_institutions(user, queryset).select_related("region__parent").order_by("unfiled_since", "pk")

    def can_list(self, user):
        return access.is_filing_official(user)

    def district_name(self, obj):
        return obj.region.parent.name if obj.region.parent_id else ""

    district_name.short_description = _("District")

    def since(self, obj):
        return obj.unfiled_since

    since.short_description = _("Without a filing since")

    def days_unfiled(self, obj):
        return (clock.today() - obj.unfiled_since).days if obj.unfiled_since else ""

    days_unfiled.short_description = _("Days without a filing")

    def reported_label(self, obj):
        return gettext("Yes") if obj.reported else gettext("No")

    reported_label.short_description = _("Found housing residents")

    def report_view(self, request, pk):
        """A planner records that the institution was found housing residents: verification and a notice to file."""
        if request.method != "POST":
            from django.http import HttpResponseNotAllowed

            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_permission(request.user):
            raise PermissionDenied
        institution = self.get_queryset(request).filter(pk=access.db_id(pk)).first()
        if institution is None:
            raise Http404
        if not _may_report(request.user, institution):
            raise PermissionDenied
        form = UnfiledForm(request.POST)
        if form.is_valid():
            try:
                services.report_unfiled_operation(request.user, institution, found_on=form.cleaned_data["found_on"])
            except ValidationError as e:
                for message in e.messages:
                    messages.error(request, message)
            else:
                messages.success(request, gettext("The verification was scheduled and the institution urged to file."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect(self.reverse("detail", args=[institution.pk]))

    @property
    def report_path(self):
        return path("<int:pk>/report/", self.report_view, name="report")
