"""Desk pages of the inspection process: the head's review task, the notice (检查通知书) and its
delivery, findings waiting for a rectification notice, and results due for publication (一公开).

Each page loads the inspection through `access.inspections_for` (outsiders get 404) and calls one
service; the services check who may act again, since Viewflow does not check calls from code.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, CharField, Count, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supervision.core import clock
from supervision.core.calendar import add_working_days
from supervision.inspections import access, services
from supervision.inspections.forms import NoticeDeliveryForm, NoticeForm, ReviewForm
from supervision.inspections.models import Finding, Inspection, InspectionStatus
from supervision.rectification.access import MAX_DB_ID
from supervision.staff.access import actor_for

# Results due for publication are flagged this many working days before their deadline.
PUBLICITY_DUE_SOON_WORKING_DAYS = 3


def _require_desk(user):
    actor = actor_for(user)
    if not (actor.is_admin or actor.is_official):
        raise PermissionDenied


def inspection_for_desk(user, pk) -> Inspection:
    """The inspection, or 404 if it lies outside the user's desk reach."""
    _require_desk(user)
    if pk > MAX_DB_ID:
        raise Http404
    return get_object_or_404(
        access.inspections_for(user).select_related("institution", "department"), pk=pk
    )


def desk_url(inspection) -> str:
    """The inspection's page in the desk: its process, or the process list if it has none."""
    process = getattr(inspection, "process", None)  # None when the relation is missing
    if process is not None:
        return reverse("inspection:process_detail", args=[process.pk])
    return reverse("inspection:process_list")


def rectification_url(inspection, findings) -> str:
    """One click from the findings to the rectification notice form, with those findings chosen."""
    ids = ",".join(str(f.pk) for f in findings)
    return reverse("rectification:issue_notice", args=[inspection.pk]) + f"?findings={ids}"


def _page(request, template, **context):
    return render(request, template, context)


# --- the head's review (a task of the process) ---------------------------------------------------


def review_record(request, **kwargs):
    """The head reads the record and approves it, or returns it with remarks (kept with the record)."""
    activation = request.activation
    inspection = Inspection.objects.select_related("institution", "department").get(
        pk=activation.process.inspection_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review(request.user, inspection, outcome=form.cleaned_data["outcome"],
                            comment=form.cleaned_data["comment"])
        except ValidationError as e:
            for message in e.messages:
                form.add_error(None, message)
        else:
            activation.execute()
            messages.success(request, _("The review was recorded."), fail_silently=True)
            return redirect(activation.get_success_url(request))
    return _page(request, "inspections/review.html", title=activation.flow_task.task_title, inspection=inspection,
                 findings=inspection.findings.order_by("pk"), form=form, activation=activation,
                 task=activation.task, process=activation.process)


# --- the notice (检查通知书) ------------------------------------------------------------------


@login_required
def issue_notice(request, pk):
    """Number the notice and fix the check date, at least N working days after today."""
    inspection = inspection_for_desk(request.user, pk)
    if not access.may_issue_notice(request.user, inspection):
        raise PermissionDenied
    today = clock.today()
    earliest = add_working_days(today, services.notice_working_days()).date
    initial = {"scheduled_for": max(inspection.scheduled_for or earliest, earliest)}
    form = NoticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.issue_inspection_notice(request.user, inspection,
                                             scheduled_for=form.cleaned_data["scheduled_for"], today=today)
        except ValidationError as e:
            for message in e.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The inspection notice was issued."))
            return redirect(desk_url(inspection))
    return _page(request, "inspections/notice_issue.html", title=_("Issue the inspection notice"),
                 inspection=inspection, form=form, earliest=earliest, days=services.notice_working_days(),
                 back=desk_url(inspection))


@login_required
def notice_delivery(request, pk):
    """Record how and when the issued notice reached the institution."""
    inspection = inspection_for_desk(request.user, pk)
    if not access.may_issue_notice(request.user, inspection):
        raise PermissionDenied
    form = NoticeDeliveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_notice_delivery(request.user, inspection, method=form.cleaned_data["method"],
                                            received_by=form.cleaned_data["received_by"])
        except ValidationError as e:
            for message in e.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The delivery of the notice was recorded."))
            return redirect(desk_url(inspection))
    return _page(request, "inspections/notice_delivery.html", title=_("Record the delivery of the notice"),
                 inspection=inspection, form=form, back=desk_url(inspection))


# --- lists -------------------------------------------------------------------------------------


@login_required
def to_rectify(request):
    """Submitted inspections in reach with findings that need rectification and have no notice yet."""
    _require_desk(request.user)
    waiting = Q(findings__needs_rectification=True, findings__notice_item__isnull=True)
    # From the waiting findings (an anti-join on the notice items), not a GROUP BY over every
    # submitted inspection in reach: measured 250 ms for a city head's 33,000, most long notified.
    waiting_in = Finding.objects.filter(needs_rectification=True, notice_item__isnull=True).values("inspection_id")
    inspections = (
        access.inspections_for(request.user)
        .filter(status=InspectionStatus.SUBMITTED, pk__in=waiting_in)
        .annotate(waiting=Count("findings", filter=waiting))
        .select_related("institution", "department", "process")
        .order_by("submitted_at", "pk")[:500]
    )
    team = set(access.team_inspections(request.user).values_list("pk", flat=True))
    return _page(request, "inspections/to_rectify.html", title=_("Findings waiting for a rectification notice"),
                 inspections=inspections, team=team)


class PublicityState:
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    ON_TIME = "on_time"
    LABELS = {
        OVERDUE: gettext_lazy("Overdue"),
        DUE_SOON: gettext_lazy("Due within 3 working days"),
        ON_TIME: gettext_lazy("On time"),
    }


PUBLICITY_SORTS = {
    "deadline": ("publicity_deadline", "pk"),
    "-deadline": ("-publicity_deadline", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "-submitted": ("-submitted_at", "-pk"),
    "institution": ("institution__name", "pk"),
}


def with_publicity_state(queryset, today=None):
    """Annotate `publicity_state` in SQL: overdue, due within 3 working days, or on time."""
    today = today or clock.today()
    due_soon = add_working_days(today, PUBLICITY_DUE_SOON_WORKING_DAYS).date
    return queryset.annotate(publicity_state=Case(
        When(publicity_deadline__lt=today, then=Value(PublicityState.OVERDUE)),
        When(publicity_deadline__lte=due_soon, then=Value(PublicityState.DUE_SOON)),
        default=Value(PublicityState.ON_TIME), output_field=CharField(),
    ))


@login_required
def publicity(request):
    """一公开: submitted records and their publicity deadlines, the due and overdue first (sortable)."""
    _require_desk(request.user)
    sort = request.GET.get("sort", "deadline")
    if sort not in PUBLICITY_SORTS:
        sort = "deadline"
    state = request.GET.get("state", "due")
    inspections = with_publicity_state(
        access.inspections_for(request.user).filter(status=InspectionStatus.SUBMITTED,
                                                    publicity_deadline__isnull=False)
    )
    if state == "due":
        inspections = inspections.exclude(publicity_state=PublicityState.ON_TIME)
    elif state in (PublicityState.OVERDUE, PublicityState.DUE_SOON, PublicityState.ON_TIME):
        inspections = inspections.filter(publicity_state=state)
    else:
        state = "all"
    rows = list(inspections.select_related("institution", "department", "process")
                .order_by(*PUBLICITY_SORTS[sort])[:500])
    for row in rows:
        row.publicity_state_label = PublicityState.LABELS[row.publicity_state]
    return _page(request, "inspections/publicity.html", title=_("Results due for publication"), rows=rows,
                 sort=sort, state=state, states=[("due", _("Due or overdue")), ("overdue", _("Overdue")),
                                                 ("all", _("All submitted"))])
