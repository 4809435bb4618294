"""What can happen to a rectification, as plain functions (testable without Viewflow).

Each function takes the acting user first and checks their right itself: Viewflow does not
check calls from code. A refusal raises PermissionDenied; a broken rule raises ValidationError
with a message for the user. Every change appends a RectificationEvent, the log the credit
ledger will read, and notifies the people concerned.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from supervision.core import clock
from supervision.core.numbering import next_document_number
from supervision.credit import services as credit
from supervision.credit.models import CreditEventKind
from supervision.inspections.models import Finding, Inspection, InspectionStatus
from supervision.notifications.models import NotificationKind
from supervision.notifications.services import notify
from supervision.rectification import access, uploads
from supervision.rectification.deadlines import day_range_for, deadline_after, recount_deadline
from supervision.rectification.documents import chinese_date
from supervision.rectification.models import (
    NOTICE_DOCUMENT_TYPE,
    DeliveryMethod,
    EventKind,
    EvidenceFile,
    ExtensionRequest,
    NoticeItem,
    ReCheck,
    RecheckMethod,
    RecheckOutcome,
    RectificationEvent,
    RectificationNotice,
    RectificationReport,
    ReportItem,
)
from supervision.staff.models import Role

# Sent after a commit that moved the deadline of an open notice (provisional recount). The
# workflow listens to move its deadline timer; the domain does not know the workflow exists.
deadline_changed = Signal()  # sender=RectificationNotice, notice=…

MAX_EXTENSION_DAYS = 60


# --- people to tell --------------------------------------------------------------------------


def _users():
    return get_user_model().objects.filter(is_active=True)


def operators_of(notice):
    return _users().filter(institution_account__institution_id=notice.institution_id)


def team_of(notice):
    return _users().filter(official__inspections=notice.inspection_id)


def heads_of(notice):
    return _users().filter(official__department_id=notice.department_id, groups__name=Role.HEAD)


def notice_link(notice) -> str:
    try:
        return reverse("rectification:notices:detail", args=[notice.pk])
    except NoReverseMatch:
        return ""


def _event(notice, kind, actor=None, **data):
    return RectificationEvent.objects.create(
        notice=notice, kind=kind, actor=actor if getattr(actor, "pk", None) else None, data=data
    )


def _credit(notice, kind, source, decided_on, user):
    """The credit ledger's copy of the fact, in the same transaction (the caller's right was checked)."""
    credit.append(institution=notice.institution, department=notice.department, kind=kind,
                  decided_on=decided_on, source=source, recorded_by=user)


def _locked(notice) -> RectificationNotice:
    return RectificationNotice.objects.select_for_update().get(pk=notice.pk)


def _require_open(notice):
    if not notice.is_open:
        raise ValidationError(_("This rectification is already finished."))


# --- the notice ------------------------------------------------------------------------------


def issue_notice(
    user, inspection: Inspection, findings, *, facts: str, measures: dict, working_days: int | None = None,
    recheck_method: str = RecheckMethod.DOCUMENTS, today: dt.date | None = None,
) -> RectificationNotice:
    """Issue a numbered notice for findings of one inspection; a member of its team issues it."""
    if not access.is_team_member(user, inspection):
        raise PermissionDenied
    findings = list(findings)
    if not findings:
        raise ValidationError(_("Choose at least one finding."))
    for finding in findings:
        if finding.inspection_id != inspection.pk:
            raise ValidationError(_("A finding of another inspection was chosen."))
        if not finding.needs_rectification:
            raise ValidationError(_("“%(item)s” needs no rectification.") % {"item": finding.item_title})
    # Notices order corrections of a finished record: findings still being recorded may change.
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("A notice is issued only once the inspection record has been submitted."))
    missing = [f.item_title for f in findings if not (measures.get(f.pk) or "").strip()]
    if missing:
        raise ValidationError(_("State the measures required for: %(items)s.") % {"items": "、".join(missing)})
    day_range = day_range_for([f.severity for f in findings])
    days = day_range.default if working_days is None else working_days
    if not day_range.allows(days):
        raise ValidationError(_(
            "For these findings the deadline must be between %(min)s and %(max)s working days."
        ) % {"min": day_range.minimum, "max": day_range.maximum})

    today = today or clock.today()
    due = deadline_after(today, days)
    with transaction.atomic():
        # Two inspectors issuing for the same findings at once: the second waits here, then sees
        # the first one's notice (SQLite has no row locks: the unique finding catches it below).
        locked = Finding.objects.select_for_update().filter(pk__in=[f.pk for f in findings])
        if _in_a_notice(locked):
            raise ValidationError(ALREADY_IN_A_NOTICE)
        number = next_document_number(inspection.department, NOTICE_DOCUMENT_TYPE, today.year)
        notice = RectificationNotice.objects.create(
            inspection=inspection, institution=inspection.institution, department=inspection.department,
            number=number.text, issued_by=user, facts=facts.strip(), deadline=due.date,
            deadline_provisional=due.provisional, working_days=days, deadline_basis=today, deadline_days=days,
            recheck_method=recheck_method,
        )
        try:
            with transaction.atomic():
                NoticeItem.objects.bulk_create(
                    [NoticeItem(notice=notice, finding=f, measures_required=measures[f.pk].strip())
                     for f in findings]
                )
        except IntegrityError:
            raise ValidationError(ALREADY_IN_A_NOTICE) from None
        # The terms as issued: the PDF is drawn from these, so it never changes after issue.
        _event(notice, EventKind.ISSUED, user, number=notice.number, deadline=due.date.isoformat(),
               provisional=due.provisional, basis=today.isoformat(), days=days,
               institution=notice.institution.name, department=notice.department.name,
               findings=[f.pk for f in findings],
               severities=sorted(f.severity for f in findings),
               major_fire_hazard=any(f.major_hazard and f.fire_hazard for f in findings))
        notify(operators_of(notice), NotificationKind.NOTICE_ISSUED,
               _("Rectification notice %(number)s: correct by %(deadline)s.") % {
                   "number": notice.number, "deadline": _date(notice.deadline)},
               notice_link(notice))
    return notice


ALREADY_IN_A_NOTICE = _lazy("A chosen finding is already in a notice.")


def _in_a_notice(findings) -> bool:
    return NoticeItem.objects.filter(finding__in=findings).exists()


_date = chinese_date


def record_delivery(user, notice, *, method: str, received_by_name: str = "", at=None) -> RectificationNotice:
    """送达: signed for on site (the representative's name), or put in the institution's account."""
    if not access.is_team_member(user, notice.inspection):
        raise PermissionDenied
    if method not in DeliveryMethod.values:
        raise ValidationError(_("Choose how the notice was delivered."))
    if method == DeliveryMethod.SIGNED_ON_SITE and not received_by_name.strip():
        raise ValidationError(_("Give the name of the representative who signed for the notice."))
    with transaction.atomic():
        notice = _locked(notice)
        if notice.delivered_at is not None:
            raise ValidationError(_("The delivery of this notice is already recorded."))
        notice.delivery_method = method
        notice.delivered_at = at or clock.now()
        notice.received_by_name = received_by_name.strip()
        notice.save(update_fields=["delivery_method", "delivered_at", "received_by_name"])
        _event(notice, EventKind.DELIVERED, user, method=method)
    return notice


def record_read(user, notice) -> bool:
    """The read receipt: the first time an operator of the institution opens the notice."""
    if notice.read_at is not None or not access.is_operator_of(user, notice):
        return False
    with transaction.atomic():
        updated = RectificationNotice.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=clock.now(), read_by=user
        )
        if updated:
            notice.refresh_from_db(fields=["read_at", "read_by"])
            _event(notice, EventKind.READ, user)
            if not notice.delivered_at:
                delivered = RectificationNotice.objects.filter(pk=notice.pk, delivered_at__isnull=True).update(
                    delivery_method=DeliveryMethod.ACCOUNT, delivered_at=notice.read_at
                )
                notice.refresh_from_db(fields=["delivery_method", "delivered_at"])
                if delivered:  # 电子送达: opening it in the institution's account is the delivery
                    _event(notice, EventKind.DELIVERED, user, method=DeliveryMethod.ACCOUNT)
    return bool(updated)


# --- the institution's report ----------------------------------------------------------------


def draft_report(user, notice) -> RectificationReport:
    """The report being written (one draft per notice), with an answer row per finding."""
    if not access.is_operator_of(user, notice):
        raise PermissionDenied
    with transaction.atomic():
        report, created = RectificationReport.objects.get_or_create(notice=notice, submitted_at=None)
        previous = (notice.reports.filter(submitted_at__isnull=False).order_by("-submitted_at").first()
                    if created else None)
        if previous is not None:  # after a failed re-check: start from what was submitted, not a blank form
            for field in PLAN_FIELDS:
                setattr(report, field, getattr(previous, field))
            report.save()
        existing = set(report.items.values_list("notice_item_id", flat=True))
        ReportItem.objects.bulk_create(
            [ReportItem(report=report, notice_item=item) for item in notice.items.all() if item.pk not in existing]
        )
        if previous is not None:
            _carry_over_answers(previous, report)
    return report


def _carry_over_answers(previous: RectificationReport, report: RectificationReport) -> None:
    """Copy each finding's answer and evidence of the last submitted report into the new draft. The
    evidence rows share the stored files (a draft's removal deletes a file only when no row keeps it)."""
    answers = {item.notice_item_id: item for item in previous.items.prefetch_related("evidence")}
    for item in report.items.all():
        old = answers.get(item.notice_item_id)
        if old is None:
            continue
        for field in ANSWER_FIELDS:
            setattr(item, field, getattr(old, field))
        item.save()
        EvidenceFile.objects.bulk_create([
            EvidenceFile(item=item, file=e.file.name, original_name=e.original_name, content_type=e.content_type,
                         size=e.size, uploaded_by_id=e.uploaded_by_id)
            for e in old.evidence.all()
        ])


def attach_evidence(user, report_item: ReportItem, upload) -> tuple[EvidenceFile | None, str]:
    """Keep an evidence file if its content is a JPEG, PNG or PDF within the size limit."""
    if not access.is_operator_of(user, report_item.report.notice) or report_item.report.submitted_at:
        raise PermissionDenied
    limit = settings.RECTIFICATION_MAX_FILES_PER_ITEM
    if report_item.evidence.count() >= limit:
        return None, _("At most %(limit)s files per finding: remove one before adding another.") % {"limit": limit}
    checked = uploads.check_evidence(upload)
    if not checked.ok:
        return None, checked.message
    original_name = upload.name[-255:]
    # The stored name's extension follows the content, never the client's name (x.html → .png).
    upload.name = f"evidence{checked.extension}"
    evidence = EvidenceFile.objects.create(
        item=report_item, file=upload, original_name=original_name, content_type=checked.content_type,
        size=upload.size, uploaded_by=user,
    )
    return evidence, ""


def remove_evidence(user, evidence: EvidenceFile) -> None:
    """The operator takes a file back out of their draft (a submitted report keeps its files)."""
    report = evidence.item.report
    if not access.is_operator_of(user, report.notice) or report.submitted_at is not None:
        raise PermissionDenied
    with transaction.atomic():
        evidence.delete()
        if not EvidenceFile.objects.filter(file=evidence.file.name).exists():  # no earlier report keeps it
            transaction.on_commit(lambda f=evidence.file: f.delete(save=False))


PLAN_FIELDS = ("correction_for_affected", "others_at_risk", "systemic_changes", "monitoring", "completion_date")
ANSWER_FIELDS = ("measures_taken", "responsible_person", "completed_on")


def save_report_answers(user, report, *, plan: dict, answers: dict) -> RectificationReport:
    """Store what the operator wrote so far (no checks: a draft may be incomplete)."""
    if not access.is_operator_of(user, report.notice) or report.submitted_at:
        raise PermissionDenied
    for field in PLAN_FIELDS:
        if field in plan:
            setattr(report, field, plan[field])
    report.save()
    for item in report.items.all():
        values = answers.get(item.notice_item_id, {})
        for field in ANSWER_FIELDS:
            if field in values:
                setattr(item, field, values[field])
        item.save()
    return report


def submit_report(user, notice, report) -> RectificationReport:
    """Submit the draft: every finding answered with evidence, and the five elements of the plan."""
    if not access.is_operator_of(user, notice):
        raise PermissionDenied
    with transaction.atomic():
        notice = _locked(notice)
        _require_open(notice)
        report = RectificationReport.objects.select_for_update().get(pk=report.pk, notice=notice)
        if report.submitted_at is not None:
            raise ValidationError(_("This report has already been submitted."))
        problems = [
            _("Fill in the five elements of the plan of correction.")
            for field in PLAN_FIELDS if not getattr(report, field)
        ][:1]
        issued, today = timezone.localdate(notice.issued_at), clock.today()
        latest = max(notice.deadline, today)
        if report.completion_date and not issued <= report.completion_date <= latest:
            problems.append(_("The plan's completion date must lie between the notice's date (%(issued)s) and "
                              "%(latest)s.") % {"issued": date_format(issued), "latest": date_format(latest)})
        for item in report.items.select_related("notice_item__finding").prefetch_related("evidence"):
            title = item.notice_item.finding.item_title
            if not (item.measures_taken and item.responsible_person and item.completed_on):
                problems.append(_("“%(item)s”: give the measures taken, the person responsible and the "
                                  "completion date.") % {"item": title})
            elif not issued <= item.completed_on <= today:
                problems.append(_("“%(item)s”: the completion date must lie between the notice's date (%(issued)s) "
                                  "and today (%(today)s); a correction not yet made cannot be reported as "
                                  "done.") % {"item": title, "issued": date_format(issued),
                                              "today": date_format(today)})
            if not item.evidence.all():
                problems.append(_("“%(item)s”: attach at least one photo or PDF as evidence.") % {"item": title})
        if problems:
            raise ValidationError(problems)
        report.submitted_at = clock.now()
        report.submitted_by = user
        report.save(update_fields=["submitted_at", "submitted_by"])
        late = report.submitted_at.astimezone(timezone.get_current_timezone()).date() > notice.deadline
        _event(notice, EventKind.REPORT_SUBMITTED, user, report=report.pk, late=late,
               deadline=notice.deadline.isoformat())
        link = notice_link(notice)
        notify(heads_of(notice), NotificationKind.REPORT_SUBMITTED,
               _("%(institution)s submitted its rectification report for %(number)s.") % {
                   "institution": notice.institution.name, "number": notice.number}, link)
        notify(team_of(notice), NotificationKind.RECHECK_DUE,
               _("Re-check due: %(institution)s answered notice %(number)s.") % {
                   "institution": notice.institution.name, "number": notice.number}, link)
    return report


# --- re-check, closure -----------------------------------------------------------------------


def record_recheck(
    user, notice, *, outcome: str, reasons: str = "", method: str | None = None,
    working_days: int | None = None, today: dt.date | None = None,
) -> ReCheck:
    """复查 of the latest submitted report: passed, failed with a new deadline, or escalated."""
    if not access.may_recheck(user, notice):
        raise PermissionDenied
    if outcome not in RecheckOutcome.values:
        raise ValidationError(_("Choose the outcome of the re-check."))
    if method is not None and method not in RecheckMethod.values:
        raise ValidationError(_("Choose how the re-check was done."))
    if outcome != RecheckOutcome.PASSED and not reasons.strip():
        raise ValidationError(_("Give the reasons the rectification is not accepted."))
    today = today or clock.today()
    with transaction.atomic():
        notice = _locked(notice)
        _require_open(notice)
        report = notice.reports.filter(submitted_at__isnull=False).order_by("-submitted_at", "-pk").first()
        if report is None or report.rechecks.exists():
            raise ValidationError(_("There is no submitted report waiting for a re-check."))
        recheck = ReCheck(
            notice=notice, report=report, method=method or notice.recheck_method, outcome=outcome,
            reasons=reasons.strip(), checked_by=user,
        )
        link = notice_link(notice)
        if outcome == RecheckOutcome.FAILED:
            day_range = day_range_for(list(notice.items.values_list("finding__severity", flat=True)))
            days = day_range.default if working_days is None else working_days
            if not day_range.allows(days):
                raise ValidationError(_(
                    "The new deadline must be between %(min)s and %(max)s working days."
                ) % {"min": day_range.minimum, "max": day_range.maximum})
            due = deadline_after(today, days)
            recheck.new_deadline, recheck.new_deadline_provisional = due.date, due.provisional
            notice.deadline, notice.deadline_provisional = due.date, due.provisional
            notice.save(update_fields=["deadline", "deadline_provisional"])
            recheck.save()
            _event(notice, EventKind.RECHECK_FAILED, user, recheck=recheck.pk, deadline=due.date.isoformat(),
                   days=days, basis=today.isoformat())
            _credit(notice, CreditEventKind.RECHECK_FAILED, recheck, today, user)
            notify(operators_of(notice), NotificationKind.RECHECK_FAILED,
                   _("Re-check of %(number)s failed: %(reasons)s New deadline: %(deadline)s.") % {
                       "number": notice.number, "reasons": recheck.reasons, "deadline": _date(due.date)}, link)
        elif outcome == RecheckOutcome.ESCALATED:
            recheck.save()
            notice.escalated_at = clock.now()
            notice.save(update_fields=["escalated_at"])
            _event(notice, EventKind.ESCALATED, user, recheck=recheck.pk)
            _credit(notice, CreditEventKind.RECHECK_FAILED, recheck, today, user)
            notify(heads_of(notice), NotificationKind.RECHECK_FAILED,
                   _("Rectification %(number)s failed its re-check and was escalated to enforcement.") % {
                       "number": notice.number}, link)
        else:
            recheck.save()
            _event(notice, EventKind.RECHECK_PASSED, user, recheck=recheck.pk)
            notify(heads_of(notice), NotificationKind.CLOSURE_DUE,
                   _("Re-check of %(number)s passed: approve the closure.") % {"number": notice.number}, link)
    return recheck


def close_rectification(user, notice) -> RectificationNotice:
    """The head approves closure after a passed re-check."""
    if not access.is_head_for(user, notice):
        raise PermissionDenied
    with transaction.atomic():
        notice = _locked(notice)
        _require_open(notice)
        last = notice.rechecks.order_by("-pk").first()
        if last is None or last.outcome != RecheckOutcome.PASSED:
            raise ValidationError(_("Only a rectification whose last re-check passed can be closed."))
        notice.closed_at = clock.now()
        notice.closed_by = user
        notice.save(update_fields=["closed_at", "closed_by"])
        late = notice.events.filter(kind=EventKind.OVERDUE).exists()
        closed = _event(notice, EventKind.CLOSED, user, late=late)
        _credit(notice, CreditEventKind.RECTIFIED_LATE if late else CreditEventKind.RECTIFIED_ON_TIME, closed,
                timezone.localtime(notice.closed_at).date(), user)
        notify([*operators_of(notice), *team_of(notice)], NotificationKind.CLOSED,
               _("Rectification %(number)s is closed.") % {"number": notice.number}, notice_link(notice))
    return notice


# --- extensions ------------------------------------------------------------------------------


def extension_closed_reason(notice, today: dt.date | None = None) -> str:
    """Why no extension may be asked for now ("" if one may)."""
    today = today or clock.today()
    # 期限届满前提出: once the deadline has passed it is overdue, not extended.
    if notice.deadline < today or notice.events.filter(
        kind=EventKind.OVERDUE, data__deadline=notice.deadline.isoformat()
    ).exists():
        return _(
            "The deadline of %(deadline)s has passed: an extension can no longer be asked for. "
            "Submit your rectification report."
        ) % {"deadline": _date(notice.deadline)}
    if notice.extension_requests.filter(decided_at__isnull=True).exists():
        return _("An extension request is already waiting for a decision.")
    return ""


def may_request_extension(notice, today: dt.date | None = None) -> bool:
    return notice.is_open and not extension_closed_reason(notice, today)


def request_extension(user, notice, *, reason: str, extra_days: int, today: dt.date | None = None) -> ExtensionRequest:
    """延期申请, a side action: the report stays open and the deadline keeps running meanwhile."""
    if not access.is_operator_of(user, notice):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give the reason you need more time."))
    if not 1 <= extra_days <= MAX_EXTENSION_DAYS:
        raise ValidationError(_("Ask for between 1 and %(max)s more working days.") % {"max": MAX_EXTENSION_DAYS})
    today = today or clock.today()
    with transaction.atomic():
        notice = _locked(notice)
        _require_open(notice)
        refused = extension_closed_reason(notice, today)
        if refused:
            raise ValidationError(refused)
        request = ExtensionRequest.objects.create(
            notice=notice, requested_by=user, reason=reason.strip(), extra_days=extra_days,
            deadline_before=notice.deadline,
        )
        _event(notice, EventKind.EXTENSION_REQUESTED, user, request=request.pk, extra_days=extra_days)
        notify(heads_of(notice), NotificationKind.EXTENSION_REQUESTED,
               _("%(institution)s asks for %(days)s more working days on %(number)s.") % {
                   "institution": notice.institution.name, "days": extra_days, "number": notice.number},
               extension_link(notice))
    return request


def extension_link(notice) -> str:
    try:
        return reverse("rectification:notices:extension", args=[notice.pk])
    except NoReverseMatch:
        return notice_link(notice)


def decide_extension(user, request: ExtensionRequest, *, grant: bool, note: str = "",
                     extra_days: int | None = None, today: dt.date | None = None) -> ExtensionRequest:
    """The head grants (possibly fewer days than asked) or refuses an extension."""
    notice = request.notice
    if not access.is_head_for(user, notice):
        raise PermissionDenied
    if not grant and not note.strip():
        raise ValidationError(_("Give the reason the extension is refused."))
    with transaction.atomic():
        notice = _locked(notice)
        request = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if request.decided_at is not None:
            raise ValidationError(_("This request has already been decided."))
        request.decided_at, request.decided_by = clock.now(), user
        request.granted, request.decision_note = grant, note.strip()
        if grant:
            days = request.extra_days if extra_days is None else extra_days
            if not 1 <= days <= request.extra_days:
                raise ValidationError(_("Grant between 1 and %(max)s working days.") % {"max": request.extra_days})
            # Counted from the deadline, or from today if the decision comes after it: never a
            # new deadline in the past.
            decided_on = today or clock.today()
            start = max(notice.deadline, decided_on)
            due = deadline_after(start, days)
            provisional = due.provisional or (start == notice.deadline and notice.deadline_provisional)
            request.new_deadline = due.date
            notice.deadline, notice.deadline_provisional = due.date, provisional
            notice.save(update_fields=["deadline", "deadline_provisional"])
            _event(notice, EventKind.EXTENSION_GRANTED, user, request=request.pk, deadline=due.date.isoformat(),
                   days=days, decided_on=decided_on.isoformat())
            transaction.on_commit(lambda n=notice: deadline_changed.send(sender=RectificationNotice, notice=n))
            text = _("Extension granted on %(number)s: the new deadline is %(deadline)s.") % {
                "number": notice.number, "deadline": _date(due.date)}
        else:
            _event(notice, EventKind.EXTENSION_REFUSED, user, request=request.pk)
            text = _("Extension refused on %(number)s: %(note)s The deadline stays %(deadline)s.") % {
                "number": notice.number, "note": request.decision_note, "deadline": _date(notice.deadline)}
        request.save()
        notify(operators_of(notice), NotificationKind.EXTENSION_DECIDED, text, notice_link(notice))
    return request


# --- the deadline ----------------------------------------------------------------------------


def mark_overdue(notice, today: dt.date | None = None) -> bool:
    """The deadline passed without a report: record it once per deadline and tell the head.

    Called by the workflow's deadline timer (system actor, no user). A major fire hazard left
    uncorrected past the deadline is blacklist ground 4 (DOMAIN.md §7): flagged to the head,
    who decides; nothing is listed automatically.
    """
    today = today or clock.today()
    with transaction.atomic():
        notice = _locked(notice)
        if not notice.is_open or notice.deadline >= today:
            return False
        deadline = notice.deadline.isoformat()
        if notice.events.filter(kind=EventKind.OVERDUE, data__deadline=deadline).exists():
            return False
        findings = list(Finding.objects.filter(notice_item__notice=notice))
        overdue = _event(notice, EventKind.OVERDUE, None, deadline=deadline, findings=[f.pk for f in findings],
                         severities=sorted(f.severity for f in findings))
        _credit(notice, CreditEventKind.RECTIFICATION_OVERDUE, overdue, today, None)
        link = notice_link(notice)
        text = _("Rectification %(number)s (%(institution)s) is overdue: the deadline was %(deadline)s.") % {
            "number": notice.number, "institution": notice.institution.name, "deadline": _date(notice.deadline)}
        notify([*heads_of(notice), *operators_of(notice)], NotificationKind.OVERDUE, text, link)
        fire = [f for f in findings if f.major_hazard and f.fire_hazard]
        if fire:
            _event(notice, EventKind.BLACKLIST_GROUND, None, ground=4, deadline=deadline,
                   findings=[f.pk for f in fire])
            notify(heads_of(notice), NotificationKind.BLACKLIST_GROUND,
                   _("Blacklist ground 4: a major fire hazard at %(institution)s was not corrected by the "
                     "deadline of %(number)s. Consider a blacklist proposal.") % {
                       "institution": notice.institution.name, "number": notice.number}, link)
    return True


def _provisional_candidates() -> list[tuple[int, dt.date]]:
    return list(RectificationNotice.objects.filter(
        deadline_provisional=True, closed_at__isnull=True, escalated_at__isnull=True
    ).values_list("pk", "deadline"))


def refresh_provisional_deadlines() -> int:
    """Recount provisional deadlines of open notices once the missing calendar year is entered.

    The whole chain is recounted (the issue, then each extension and failed re-check), under the
    notice lock; a notice whose deadline moved since it was read is left for the next run.
    """
    changed = 0
    for pk, seen_deadline in _provisional_candidates():
        with transaction.atomic():
            notice = RectificationNotice.objects.select_for_update().get(pk=pk)
            if notice.deadline != seen_deadline or not notice.is_open:
                continue
            due = recount_deadline(notice)
            if (due.date, due.provisional) == (notice.deadline, notice.deadline_provisional):
                continue
            notice.deadline, notice.deadline_provisional = due.date, due.provisional
            notice.save(update_fields=["deadline", "deadline_provisional"])
            transaction.on_commit(lambda n=notice: deadline_changed.send(sender=RectificationNotice, notice=n))
        changed += 1
    return changed
