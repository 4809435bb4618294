"""Desk pages of rectification notices: the head's list with deadline states, the notice, its PDF.

Also the desk entry for findings (until the field UI records them): a team member records
findings on an inspection of their team.
"""

import datetime as dt

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, Q, Value, When
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from viewflow.utils import Icon
from viewflow.views import Action

from supervision.core import clock
from supervision.core.models import RegionLevel
from supervision.core.once import create_once
from supervision.core.pagination import LookaheadPaginator
from supervision.core.process_tasks import my_open_tasks
from supervision.core.viewsets import ScopedDetailView, ScopedModelViewset
from supervision.inspections.models import Finding, Inspection, InspectionStatus
from supervision.rectification import access, services
from supervision.rectification.deadlines import due_soon_limit
from supervision.rectification.documents import issued_terms, render_notice_pdf, verification_path
from supervision.rectification.forms import DeliveryForm, ExtensionDecisionForm, FindingForm
from supervision.rectification.models import (
    DEADLINE_EVENTS,
    HEAD_ONLY_EVENTS,
    DeadlineState,
    EvidenceFile,
    NoticeStatus,
    RectificationNotice,
)
from supervision.staff.access import actor_for, regions_for
from supervision.staff.models import Role


def with_deadline_state(queryset, today=None):
    """Annotate `deadline_state` in SQL from the notice status (`with_status`), so the two agree.

    Finished when closed or escalated; with the officials while a report awaits its re-check or
    a passed re-check awaits closure; overdue exactly when the status says so; else due soon or on time.
    """
    today = today or clock.today()
    return queryset.with_status(today).annotate(
        deadline_state=Case(
            When(status_code__in=[NoticeStatus.CLOSED, NoticeStatus.ESCALATED], then=Value(DeadlineState.FINISHED)),
            When(status_code__in=[NoticeStatus.REPORT_SUBMITTED, NoticeStatus.RECHECK_PASSED],
                 then=Value(DeadlineState.WITH_OFFICIALS)),
            When(status_code=NoticeStatus.OVERDUE, then=Value(DeadlineState.OVERDUE)),
            When(deadline__lte=due_soon_limit(today), then=Value(DeadlineState.DUE_SOON)),
            default=Value(DeadlineState.ON_TIME),
            output_field=CharField(),
        )
    )


def _districts(request):
    return regions_for(request.user if request else None, RegionLevel.DISTRICT)


class NoticeFilter(django_filters.FilterSet):
    deadline_state = django_filters.ChoiceFilter(label=_lazy("Deadline"), choices=DeadlineState.choices)
    district = django_filters.ModelChoiceFilter(
        label=_lazy("District"), field_name="institution__region__parent", queryset=_districts
    )
    open = django_filters.BooleanFilter(label=_lazy("Open"), method="filter_open")
    issued_after = django_filters.DateFilter(label=_lazy("Issued from"), field_name="issued_at",
                                             lookup_expr="date__gte")
    issued_before = django_filters.DateFilter(label=_lazy("Issued until"), field_name="issued_at",
                                              lookup_expr="date__lte")

    class Meta:
        model = RectificationNotice
        fields = ["deadline_state", "district", "open", "issued_after", "issued_before"]

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        is_open = Q(closed_at__isnull=True, escalated_at__isnull=True)
        return queryset.filter(is_open if value else ~is_open)


NOTICE_EXPORT_COLUMNS = [
    (_lazy("Number"), lambda n: n.number),
    (_lazy("Institution"), lambda n: n.institution.name),
    (_lazy("District"), lambda n: n.institution.region.parent.name),
    (_lazy("Issuing department"), lambda n: n.department.name),
    (_lazy("Issued on"), lambda n: timezone.localtime(n.issued_at).date()),
    (_lazy("Deadline"), lambda n: n.deadline),
    (_lazy("Deadline provisional"), lambda n: n.deadline_provisional),
    (_lazy("Deadline state"), lambda n: DeadlineState(n.deadline_state).label),
    (_lazy("Status"), lambda n: n.get_status_display()),
    (_lazy("Findings"), lambda n: len(n.items.all())),
    (_lazy("Closed on"), lambda n: timezone.localtime(n.closed_at).date() if n.closed_at else None),
]


def all_events(notice) -> list:
    """The notice's whole history, oldest first: fetched once, read by the helpers below."""
    return list(notice.events.order_by("at", "pk"))


def events_for(user, notice, events=None):
    """The notice's history; internal assessments (blacklist ground) only for heads and admins."""
    events = all_events(notice) if events is None else events
    actor = actor_for(user)
    if actor.is_admin or (actor.is_official and Role.HEAD in actor.roles):
        return events
    return [e for e in events if e.kind not in HEAD_ONLY_EVENTS]


def deadline_history(notice, events=None) -> dict:
    """The deadline as issued and each later move (extension, failed re-check), for 原期限 … 延期至 …"""
    events = all_events(notice) if events is None else events
    return {
        "issued": issued_terms(notice, events),
        "changes": [
            {"kind": e.kind, "label": e.get_kind_display(), "on": timezone.localtime(e.at).date(),
             "deadline": dt.date.fromisoformat(e.data["deadline"])}
            for e in events if e.kind in DEADLINE_EVENTS
        ],
    }


class NoticeDetailView(ScopedDetailView):
    template_name = "rectification/notice_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("inspection").prefetch_related(None)  # items: below

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = self.object
        user = self.request.user
        if services.record_read(user, notice):
            notice.refresh_from_db()
        events = all_events(notice)
        context.update({
            "notice": notice,
            "items": notice.items.select_related("finding"),
            "reports": notice.reports.filter(submitted_at__isnull=False).prefetch_related(
                "items__notice_item__finding", "items__evidence"),
            "rechecks": notice.rechecks.order_by("pk"),
            "extensions": notice.extension_requests.order_by("pk"),
            "events": events_for(user, notice, events),
            "deadline_history": deadline_history(notice, events),
            "public_path": verification_path(notice),
            "may_record_delivery": notice.delivered_at is None and access.is_team_member(user, notice.inspection),
            "may_decide_extension": access.is_head_for(user, notice)
            and notice.extension_requests.filter(decided_at__isnull=True).exists(),
            "is_operator": actor_for(user).is_operator,
            "my_tasks": my_open_tasks(user, getattr(notice, "process", None)),
        })
        return context


class NoticeViewset(ScopedModelViewset):
    """Every rectification in the user's reach, with its deadline state (the head's view)."""

    model = RectificationNotice
    icon = Icon("assignment_late")
    title = _lazy("Rectification notices")
    list_columns = ("number", "institution", "department", "issued_on", "deadline_text", "deadline_state_label",
                    "status_label")
    list_filterset_class = NoticeFilter
    list_search_fields = ["number", "institution__name"]
    list_paginate_by = 25
    list_paginator_class = LookaheadPaginator  # no COUNT over a city's notices
    detail_view_class = NoticeDetailView
    export_formats = ("xlsx",)
    export_columns = NOTICE_EXPORT_COLUMNS
    export_filename = "rectifications"
    # Notices are made by issue_notice and changed only through the process.
    create_path = None
    update_path = None

    def scope(self, user, queryset):
        # Prefetched, not joined: joined, the planner builds all rows in reach before sorting
        # (measured 40 ms of a city head's 33,000 notices).
        queryset = access.notices_for(user, queryset).prefetch_related(
            "institution__region__parent", "department", "items")
        return with_deadline_state(queryset).order_by("deadline", "pk")

    def can_list(self, user):
        actor = actor_for(user)
        return actor.is_admin or actor.is_official or actor.is_operator

    # --- columns ---------------------------------------------------------------------------

    def issued_on(self, obj):
        return timezone.localtime(obj.issued_at).date()

    issued_on.short_description = _lazy("Issued on")

    def deadline_text(self, obj):
        return f"{obj.deadline:%Y-%m-%d}" + (" *" if obj.deadline_provisional else "")

    deadline_text.short_description = _lazy("Deadline (* provisional)")

    def deadline_state_label(self, obj):
        return DeadlineState(obj.deadline_state).label

    deadline_state_label.short_description = _lazy("Deadline state")

    def status_label(self, obj):
        return obj.get_status_display()

    status_label.short_description = _lazy("Status")

    def get_list_page_actions(self, request, *actions):
        if access.team_inspections_for(request.user).exists():
            actions = (
                Action(name=_lazy("Record findings"), viewname="rectification:inspections",
                       icon=Icon("fact_check", class_="material-icons mdc-list-item__graphic")),
                *actions,
            )
        return super().get_list_page_actions(request, *actions)

    # --- the notice as a PDF, its delivery, its evidence -----------------------------------

    def _notice(self, request, pk):
        return access.get_notice_for_user(request.user, pk)

    def pdf_view(self, request, pk):
        notice = self._notice(request, pk)
        services.record_read(request.user, notice)
        response = HttpResponse(render_notice_pdf(notice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}.pdf"'
        return response

    @property
    def pdf_path(self):
        return path("<int:pk>/pdf/", self.pdf_view, name="pdf")

    def delivery_view(self, request, pk):
        notice = self._notice(request, pk)
        if not access.is_team_member(request.user, notice.inspection):
            raise PermissionDenied
        form = DeliveryForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.record_delivery(request.user, notice, method=form.cleaned_data["method"],
                                         received_by_name=form.cleaned_data["received_by_name"])
            except ValidationError as e:
                for message in e.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The delivery was recorded."))
                return redirect("rectification:notices:detail", pk=notice.pk)
        return render(request, "rectification/delivery.html", {
            "title": _("Record the delivery"), "notice": notice, "form": form})

    @property
    def delivery_path(self):
        return path("<int:pk>/delivery/", self.delivery_view, name="delivery")

    def evidence_view(self, request, pk, evidence_pk):
        notice = self._notice(request, pk)
        evidence = get_object_or_404(evidence_for(request.user, notice), pk=access.db_id(evidence_pk))
        try:
            handle = evidence.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, content_type=evidence.content_type, filename=evidence.original_name,
                            as_attachment=evidence.content_type == "application/pdf")

    @property
    def evidence_path(self):
        return path("<int:pk>/evidence/<int:evidence_pk>/", self.evidence_view, name="evidence")

    def remove_evidence_view(self, request, pk, evidence_pk):
        """The operator takes a file out of their draft report (POST; their own draft only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        notice = self._notice(request, pk)
        evidence = get_object_or_404(
            EvidenceFile.objects.select_related("item__report__notice"),
            pk=access.db_id(evidence_pk), item__report__notice=notice, item__report__submitted_at__isnull=True,
        )
        services.remove_evidence(request.user, evidence)
        messages.success(request, _("“%(name)s” was removed.") % {"name": evidence.original_name})
        back = request.POST.get("next", "")
        if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
            return redirect(back)
        return redirect("rectification:notices:detail", pk=notice.pk)

    @property
    def remove_evidence_path(self):
        return path("<int:pk>/evidence/<int:evidence_pk>/remove/", self.remove_evidence_view,
                    name="remove_evidence")

    # --- the head's decision on an extension request (a side action, not a process step) ---

    def extension_view(self, request, pk):
        notice = self._notice(request, pk)
        if not access.is_head_for(request.user, notice):
            raise PermissionDenied
        pending = notice.extension_requests.filter(decided_at__isnull=True).order_by("-pk").first()
        form = ExtensionDecisionForm(request.POST or None,
                                     initial={"extra_days": pending.extra_days if pending else None})
        problems = [] if pending else [_("There is no pending extension request.")]
        if pending is not None and request.method == "POST" and form.is_valid():
            try:
                services.decide_extension(request.user, pending, grant=form.cleaned_data["grant"],
                                          note=form.cleaned_data["note"],
                                          extra_days=form.cleaned_data["extra_days"])
            except ValidationError as e:
                problems += e.messages
            else:
                messages.success(request, _("The extension decision was recorded."))
                return redirect("rectification:notices:detail", pk=notice.pk)
        return render(request, "rectification/task_decide_extension.html", {
            "title": _("Decide on the extension"), "notice": notice, "form": form, "pending": pending,
            "problems": problems})

    @property
    def extension_path(self):
        return path("<int:pk>/extension/", self.extension_view, name="extension")


def evidence_for(user, notice):
    """Evidence files of the notice the user may open: submitted reports' files; the
    institution's own operators also see the files of their draft."""
    files = EvidenceFile.objects.filter(item__report__notice=notice)
    if access.is_operator_of(user, notice):
        return files
    return files.filter(item__report__submitted_at__isnull=False)


# --- findings at the desk ----------------------------------------------------------------------


def team_inspections(request):
    """The inspections the user was on, to record findings and issue notices."""
    inspections = (
        access.team_inspections_for(request.user)
        .select_related("institution", "department")
        .order_by("-scheduled_for", "-pk")[:200]
    )
    if not actor_for(request.user).is_official:
        raise PermissionDenied
    return render(request, "rectification/team_inspections.html", {
        "title": _("Findings of my inspections"), "inspections": inspections})


# Findings are added at the desk only while the record is open; once submitted it is the record
# (the field flow turns its non-compliant answers into findings), and a cancelled one has none.
FINDINGS_AT_THE_DESK = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)


def inspection_findings(request, pk):
    """Record a finding on an inspection of the user's team; choose findings for a notice."""
    inspection = get_object_or_404(
        access.team_inspections_for(request.user).select_related("institution", "department"), pk=pk
    )
    may_record = inspection.status in FINDINGS_AT_THE_DESK
    form = FindingForm(request.POST or None) if may_record else None
    if request.method == "POST" and form is None:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        def record():
            finding = form.save(commit=False)
            finding.inspection, finding.form_token = inspection, form.cleaned_data["once"]
            finding.save()
            return finding

        # Posted twice (a double click, a reload), the form records one finding (core/once.py).
        _finding, created = create_once(Finding, form.cleaned_data["once"], record)
        if created:
            messages.success(request, _("The finding was recorded."))
        else:
            messages.info(request, _("This form was already sent: the finding is recorded once."))
        return redirect("rectification:inspection_findings", pk=inspection.pk)
    findings = Finding.objects.filter(inspection=inspection).select_related("notice_item__notice").order_by("pk")
    return render(request, "rectification/inspection_findings.html", {
        "title": _("Findings"), "inspection": inspection, "form": form, "findings": findings,
        "may_issue": inspection.status == InspectionStatus.SUBMITTED,
    })


def findings_urlpatterns(issue_view):
    return [
        path("inspections/", team_inspections, name="inspections"),
        path("inspections/<int:pk>/findings/", inspection_findings, name="inspection_findings"),
        path("inspections/<int:pk>/notice/", issue_view, name="issue_notice"),
    ]


def inspection_for_notice(user, pk) -> Inspection:
    return get_object_or_404(
        access.team_inspections_for(user).select_related("institution", "department"), pk=pk
    )
