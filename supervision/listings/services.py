"""What can happen to a listing case, as plain functions (testable without Viewflow).

Proposal (ground + evidence) → review by a second official → prior notice (告知书) → delivery
(account read receipt, or on paper) → representation period (陈述申辩) → verification of the
answer → the head's decision (决定书 with the repair notice, 两书同达) or dismissal → publication
with joint-punishment notices to the partner departments → removal at the end of publication,
or by credit repair (信用修复) on application after the minimum period.

Each function takes the acting user first and checks their right itself (Viewflow does not check
calls from code); a refusal raises PermissionDenied, a broken rule a ValidationError naming the
rule. Every change appends a CaseEvent (the case's timeline) in the same transaction.
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.calendar import add_working_days
from supervision.core.models import Department, DepartmentKind
from supervision.core.numbering import next_document_number
from supervision.credit.scoring import add_months
from supervision.listings import access
from supervision.listings.models import (
    DECISION_DOCUMENT_TYPE,
    FIRE_HAZARD_GROUND,
    GROUNDS_BY_LIST,
    MANDATORY_GROUNDS,
    PRIOR_NOTICE_DOCUMENT_TYPE,
    CaseEvent,
    CaseFile,
    Decision,
    DeliveryMethod,
    EventKind,
    FilePurpose,
    Ground,
    ListingCase,
    ListKind,
    PartnerNotice,
    PersonRole,
    Removal,
    RepairApplication,
    Representation,
    Stage,
    SubjectKind,
)
from supervision.notifications.services import notify
from supervision.rectification import uploads
from supervision.rectification.documents import chinese_date
from supervision.registry.models import Institution
from supervision.staff.models import Role

# Sent inside the transaction that opened a case (by an official or automatically); the workflow
# listens to start the case's process. The domain does not know the workflow exists.
case_opened = Signal()  # sender=ListingCase, case=…
# Sent when the prior notice counts as delivered (read on the account, or signed for on paper), and
# when a listing ends (publication over, or repaired): the process waiting on these moves on.
prior_notice_delivered = Signal()  # sender=ListingCase, case=…
case_removed = Signal()  # sender=ListingCase, case=…

NOTIFICATION_KIND = "listing"  # one kind for the inbox; the text says what happened


# --- periods -------------------------------------------------------------------------------


def minimum_months(list_kind: str) -> int:
    """Months after the listing before repair may be applied for (a setting per list)."""
    return settings.BLACKLIST_MINIMUM_MONTHS if list_kind == ListKind.BLACKLIST else settings.WATCH_LIST_MINIMUM_MONTHS


def maximum_months(list_kind: str) -> int:
    """Months after the listing when publication ends by itself (a setting per list)."""
    return settings.BLACKLIST_MAXIMUM_MONTHS if list_kind == ListKind.BLACKLIST else settings.WATCH_LIST_MAXIMUM_MONTHS


# --- people to tell --------------------------------------------------------------------------


def _users():
    return get_user_model().objects.filter(is_active=True)


def officials_of(department_id):
    return _users().filter(official__department_id=department_id)


def heads_of(department_id):
    return officials_of(department_id).filter(groups__name=Role.HEAD)


def operators_of(case):
    return _users().filter(institution_account__institution_id=case.institution_id)


def case_link(case) -> str:
    try:
        return reverse("listings:cases:detail", args=[case.pk])
    except NoReverseMatch:
        return ""


def _tell(users, text, case):
    notify(users, NOTIFICATION_KIND, text, case_link(case))


def _event(case, kind, actor=None, **data):
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
                                    data=data)


def _locked(case) -> ListingCase:
    return ListingCase.objects.select_for_update().with_stage().get(pk=case.pk)


def _stage(case, today=None) -> str:
    return ListingCase.objects.with_stage(today).values_list("stage_code", flat=True).get(pk=case.pk)


def _date(day) -> str:
    return chinese_date(day)


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


# --- the credit ledger -------------------------------------------------------------------------


def record_credit_event(case, kind: str, on: dt.date, actor=None):
    """The ledger's event for a listing of the institution itself on the joint-punishment list
    ("blacklist_entry" / "blacklist_removal"), in the transaction of the fact. The ledger re-scores
    the institution: its "blacklisted ⇒ D" override holds from the entry to the removal, and the
    registry's credit class (which the draw reads) follows. A person's listing or the watch list
    writes no such event. A retry returns the first event (one per kind and case).
    """
    if case.list_kind != ListKind.BLACKLIST or case.subject_kind != SubjectKind.INSTITUTION:
        return None
    from supervision.credit.models import BreachClass
    from supervision.credit.services import append

    return append(institution=case.institution, department=case.department, kind=kind, decided_on=on,
                  source=case, breach_class=BreachClass.SERIOUS, recorded_by=actor,
                  note=case.decision_number or "")


# --- files -------------------------------------------------------------------------------------


def _check_uploads(upload_list) -> list[str]:
    return [checked.message for checked in (uploads.check_evidence(u) for u in upload_list) if not checked.ok]


def _store_files(user, case, upload_list, purpose, repair_application=None) -> list[CaseFile]:
    """Keep files already checked by `_check_uploads` (the type follows the content, never the name)."""
    stored = []
    for upload in upload_list:
        checked = uploads.check_evidence(upload)
        original_name = upload.name[-255:]
        upload.name = f"{purpose}{checked.extension}"
        stored.append(CaseFile.objects.create(
            case=case, purpose=purpose, repair_application=repair_application, file=upload,
            original_name=original_name, content_type=checked.content_type, size=upload.size, uploaded_by=user,
        ))
    return stored


# --- the proposal --------------------------------------------------------------------------------


def _open_case_of(list_kind, ground, institution, subject_kind, person_name):
    return ListingCase.objects.filter(
        list_kind=list_kind, ground=ground, institution=institution, subject_kind=subject_kind,
        person_name=person_name, closed_at__isnull=True,
    ).first()


def _duplicate_message(existing) -> str:
    return _("A case on this ground for this subject is already open (proposed on %(date)s): one case per "
             "subject and ground at a time; add the new facts to it instead.") % {
        "date": _date(_local_date(existing.proposed_at))}


def propose(
    user, institution: Institution, *, list_kind: str, ground: str, facts: str, evidence=(),
    subject_kind: str = SubjectKind.INSTITUTION, person_name: str = "", person_role: str = "",
    court_ruling_number: str = "",
) -> ListingCase:
    """An official proposes listing the institution, or a person working there, on one ground."""
    if not access.may_propose(user, institution):
        raise PermissionDenied
    person_name = person_name.strip()
    problems = {}
    if list_kind not in ListKind.values:
        problems["list_kind"] = _("Choose the list.")
    if not ground:
        problems["ground"] = _("Choose the ground: a listing needs one of the grounds of 民发〔2019〕103号 "
                               "(or a court's defaulting-debtor ruling).")
    elif list_kind in ListKind.values and ground not in GROUNDS_BY_LIST[list_kind]:
        problems["ground"] = _("This ground does not belong to the list chosen.")
    if not facts.strip():
        problems["facts"] = _("State the facts the proposal rests on.")
    if ground == Ground.COURT and not court_ruling_number.strip():
        problems["court_ruling_number"] = _("Give the number of the court's ruling.")
    if subject_kind == SubjectKind.PERSON:
        if not person_name:
            problems["person_name"] = _("Give the person's name.")
        if person_role not in PersonRole.values:
            problems["person_role"] = _("Choose the person's role at the institution.")
    elif subject_kind == SubjectKind.INSTITUTION:
        person_name, person_role = "", ""
    else:
        problems["subject_kind"] = _("Choose whom the proposal concerns.")
    evidence = list(evidence)
    if not evidence:
        problems["evidence"] = _("Attach the evidence: a proposal without evidence is refused (国办发〔2020〕49号: "
                                 "the facts, grounds and basis must be shown).")
    else:
        bad = _check_uploads(evidence)
        if bad:
            problems["evidence"] = bad
    if problems:
        raise ValidationError(problems)
    existing = _open_case_of(list_kind, ground, institution, subject_kind, person_name)
    if existing is not None:
        raise ValidationError({"ground": _duplicate_message(existing)})
    department = access.actor_for(user).official.department
    try:
        with transaction.atomic():
            case = ListingCase.objects.create(
                list_kind=list_kind, ground=ground, institution=institution, subject_kind=subject_kind,
                person_name=person_name, person_role=person_role, department=department, facts=facts.strip(),
                court_ruling_number=court_ruling_number.strip(), proposed_by=user,
            )
            _store_files(user, case, evidence, FilePurpose.PROPOSAL)
            _event(case, EventKind.PROPOSED, user, ground=ground, list=list_kind)
            _tell(officials_of(department.pk).exclude(pk=user.pk),
                  _("Listing proposal to review: %(subject)s, %(ground)s.") % {
                      "subject": case.subject_name, "ground": case.get_ground_display()}, case)
            case_opened.send(sender=ListingCase, case=case)
    except IntegrityError:  # the same proposal at the same moment: the constraint kept one
        existing = _open_case_of(list_kind, ground, institution, subject_kind, person_name)
        raise ValidationError({"ground": _duplicate_message(existing)}) from None
    return case


def propose_for_overdue_fire_hazard(notice, findings=()) -> ListingCase | None:
    """Ground 4, opened automatically when a major fire hazard is left past its rectification deadline.

    Called inside the transaction that marked the notice overdue (signals.py). The head of the
    issuing department is told and reviews it; nothing is listed without the procedure. Idempotent:
    an open ground-4 case for the institution already covers it.
    """
    institution = notice.institution
    if _open_case_of(ListKind.BLACKLIST, FIRE_HAZARD_GROUND, institution, SubjectKind.INSTITUTION, ""):
        return None
    titles = "；".join(f.item_title for f in findings) or notice.number
    facts = _("A major fire hazard (%(items)s) ordered corrected by rectification notice %(number)s was not "
              "corrected by its deadline of %(deadline)s.") % {
        "items": titles, "number": notice.number, "deadline": _date(notice.deadline)}
    with transaction.atomic():
        case = ListingCase.objects.create(
            list_kind=ListKind.BLACKLIST, ground=FIRE_HAZARD_GROUND, institution=institution,
            subject_kind=SubjectKind.INSTITUTION, department=notice.department, facts=facts, automatic=True,
            source_notice=notice,
        )
        _event(case, EventKind.PROPOSED, None, ground=FIRE_HAZARD_GROUND, list=ListKind.BLACKLIST,
               automatic=True, notice=notice.pk, findings=[f.pk for f in findings])
        _tell(heads_of(notice.department_id),
              _("Blacklist proposal opened automatically: %(institution)s left a major fire hazard past the "
                "deadline of %(number)s. Review it.") % {"institution": institution.name, "number": notice.number},
              case)
        case_opened.send(sender=ListingCase, case=case)
    return case


def review_proposal(user, case, *, agree: bool, note: str = "") -> ListingCase:
    """A second official of the proposing department takes the proposal forward, or not (with reasons)."""
    if not access.is_official_of(user, case):
        raise PermissionDenied
    if case.proposed_by_id == user.pk:
        raise ValidationError(_("The proposal is reviewed by a second official, not by the one who proposed it."))
    if not agree and not note.strip():
        raise ValidationError({"note": _("Give the reasons the proposal is not taken forward.")})
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.PROPOSED:
            raise ValidationError(_("This proposal has already been reviewed."))
        case.reviewed_at, case.reviewed_by = clock.now(), user
        case.review_agreed, case.review_note = agree, note.strip()
        if not agree:
            if case.ground in MANDATORY_GROUNDS:
                raise ValidationError(_("A court's defaulting-debtor ruling must be listed (「应当列入」): "
                                        "it cannot be set aside at review."))
            case.closed_at = case.reviewed_at
        case.save()
        _event(case, EventKind.REVIEWED, user, agreed=agree)
    return case


# --- prior notice and representation -------------------------------------------------------------


def issue_prior_notice(user, case) -> ListingCase:
    """告知书: numbered; the representation period runs from its delivery."""
    if not access.is_official_of(user, case):
        raise PermissionDenied
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.TO_NOTIFY:
            raise ValidationError(_("The prior notice is issued once, after the proposal was reviewed."))
        number = next_document_number(case.department, PRIOR_NOTICE_DOCUMENT_TYPE, clock.today().year)
        case.prior_notice_number, case.prior_notice_issued_at, case.prior_notice_issued_by = (
            number.text, clock.now(), user)
        case.save(update_fields=["prior_notice_number", "prior_notice_issued_at", "prior_notice_issued_by"])
        _event(case, EventKind.PRIOR_NOTICE_ISSUED, user, number=number.text)
        _tell(operators_of(case),
              _("Prior notice %(number)s: the department intends to list %(subject)s on the %(list)s. You may "
                "state your case within %(days)s working days of receiving it.") % {
                  "number": number.text, "subject": case.subject_name, "list": case.get_list_kind_display(),
                  "days": settings.LISTING_REPRESENTATION_WORKING_DAYS}, case)
    return case


def _deliver(case, method, at, received_by_name=""):
    case.delivery_method, case.delivered_at, case.received_by_name = method, at, received_by_name
    due = add_working_days(_local_date(at), settings.LISTING_REPRESENTATION_WORKING_DAYS)
    case.representation_deadline, case.representation_provisional = due.date, due.provisional
    case.save(update_fields=["delivery_method", "delivered_at", "received_by_name", "representation_deadline",
                             "representation_provisional"])
    prior_notice_delivered.send(sender=ListingCase, case=case)
    return due


def record_delivery(user, case, *, received_by_name: str) -> ListingCase:
    """An official records the prior notice delivered on paper (signed for by the institution)."""
    if not access.is_official_of(user, case):
        raise PermissionDenied
    if not received_by_name.strip():
        raise ValidationError({"received_by_name": _("Give the name of the person who signed for it.")})
    with transaction.atomic():
        case = _locked(case)
        if case.prior_notice_issued_at is None or case.delivered_at is not None:
            raise ValidationError(_("The delivery of this prior notice is already recorded."))
        due = _deliver(case, DeliveryMethod.PAPER, clock.now(), received_by_name.strip())
        _event(case, EventKind.DELIVERED, user, method=DeliveryMethod.PAPER, deadline=due.date.isoformat())
    return case


def record_read(user, case) -> bool:
    """The read receipt: an operator of the institution opens the case; unless delivered on paper
    before, this is its delivery to the account, and the representation period starts."""
    if case.read_at is not None or case.prior_notice_issued_at is None or not access.is_operator_of(user, case):
        return False
    with transaction.atomic():
        now = clock.now()
        if not ListingCase.objects.filter(pk=case.pk, read_at__isnull=True).update(read_at=now, read_by=user):
            return False
        _event(case, EventKind.READ, user)
        if ListingCase.objects.filter(pk=case.pk, delivered_at__isnull=True).exists():
            case = _locked(case)
            due = _deliver(case, DeliveryMethod.ACCOUNT, now)
            _event(case, EventKind.DELIVERED, user, method=DeliveryMethod.ACCOUNT, deadline=due.date.isoformat())
    return True


def submit_representation(user, case, *, statement: str, files=(), waiver: bool = False, today=None) -> Representation:
    """陈述申辩 through the institution's account, within the period; or a written waiver of it."""
    if not access.is_operator_of(user, case):
        raise PermissionDenied
    today = today or clock.today()
    files = list(files)
    problems = {}
    if not statement.strip():
        problems["statement"] = (_("Write the waiver: the period is waived only in writing.") if waiver
                                 else _("Write your statement."))
    bad = _check_uploads(files)
    if bad:
        problems["files"] = bad
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        case = _locked(case)
        if Representation.objects.filter(case=case).exists():
            raise ValidationError(_("Your answer to this prior notice was already submitted."))
        if case.prior_notice_issued_at is None or case.decision or case.closed_at:
            raise ValidationError(_("There is no prior notice waiting for an answer."))
        if case.delivered_at is None:  # answering from the account is receiving it there
            record_read(user, case)
            case = _locked(case)
        if today > case.representation_deadline:
            raise ValidationError(_("The representation period ended on %(date)s: an answer can no longer be "
                                    "submitted.") % {"date": _date(case.representation_deadline)})
        answer = Representation.objects.create(case=case, waiver=waiver, statement=statement.strip(),
                                               submitted_by=user)
        _store_files(user, case, files, FilePurpose.WAIVER if waiver else FilePurpose.ANSWER)
        _event(case, EventKind.WAIVED if waiver else EventKind.ANSWERED, user)
        _tell(officials_of(case.department_id),
              (_("%(institution)s waived the representation period in writing (%(number)s).") if waiver
               else _("%(institution)s answered prior notice %(number)s: verify the answer.")) % {
                  "institution": case.institution.name, "number": case.prior_notice_number}, case)
    return answer


def review_answer(user, case, *, founded: bool, review: str) -> ListingCase:
    """复核: an official verifies the institution's answer and records whether its objection holds."""
    if not access.is_official_of(user, case):
        raise PermissionDenied
    if not review.strip():
        raise ValidationError({"review": _("Record what was verified and the finding on the answer.")})
    with transaction.atomic():
        case = _locked(case)
        if case.stage != Stage.ANSWER_TO_REVIEW:
            raise ValidationError(_("There is no answer waiting to be verified."))
        case.answer_reviewed_at, case.answer_reviewed_by = clock.now(), user
        case.answer_founded, case.answer_review = founded, review.strip()
        case.save(update_fields=["answer_reviewed_at", "answer_reviewed_by", "answer_founded", "answer_review"])
        _event(case, EventKind.ANSWER_REVIEWED, user, founded=founded)
        _tell(heads_of(case.department_id),
              _("Listing case of %(subject)s is ready for your decision.") % {"subject": case.subject_name}, case)
    return case


# --- the decision and publication ------------------------------------------------------------------


def decision_refused_reason(case, today=None) -> str:
    """Why the head may not decide now ("" if they may)."""
    stage = case.stage if today is None else _stage(case, today)
    if stage == Stage.REPRESENTATION:
        if case.representation_deadline is None:
            return _("The prior notice has not been delivered yet: the representation period has not started.")
        return _("The representation period runs until %(date)s: the decision comes after it, unless the "
                 "institution waives it in writing (国办发〔2020〕49号).") % {
            "date": _date(case.representation_deadline)}
    if stage == Stage.ANSWER_TO_REVIEW:
        return _("The institution answered: verify its answer before the decision.")
    if stage != Stage.TO_DECIDE:
        return _("This case is not waiting for a decision.")
    return ""


def decide(user, case, *, decision: str, reasons: str, today=None) -> ListingCase:
    """The head lists (决定书, publication, joint-punishment notices) or dismisses with reasons."""
    if not access.is_head_of(user, case):
        raise PermissionDenied
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choose to list or to dismiss.")})
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    today = today or clock.today()
    with transaction.atomic():
        case = ListingCase.objects.select_for_update().with_stage(today).get(pk=case.pk)
        refused = decision_refused_reason(case)
        if refused:
            raise ValidationError(refused)
        if decision == Decision.DISMISS and case.ground in MANDATORY_GROUNDS:
            raise ValidationError(_("A court's defaulting-debtor ruling must be listed (「应当列入」): it cannot be "
                                    "dismissed."))
        case.decision, case.decided_at, case.decided_by, case.decision_reasons = (
            decision, clock.now(), user, reasons.strip())
        if decision == Decision.DISMISS:
            case.closed_at = case.decided_at
            case.save()
            _event(case, EventKind.DISMISSED, user)
            _tell(operators_of(case), _("The listing case of %(subject)s was dismissed: %(reasons)s") % {
                "subject": case.subject_name, "reasons": case.decision_reasons}, case)
            return case
        case.decision_number = next_document_number(case.department, DECISION_DOCUMENT_TYPE, today.year).text
        case.listed_on = today
        case.repair_possible_from = add_months(today, minimum_months(case.list_kind))
        case.publication_ends_on = add_months(today, maximum_months(case.list_kind))
        case.save()
        _event(case, EventKind.LISTED, user, number=case.decision_number, listed_on=today.isoformat(),
               ends=case.publication_ends_on.isoformat(), repair_from=case.repair_possible_from.isoformat())
        _tell(operators_of(case),
              _("Decision %(number)s: %(subject)s is listed on the %(list)s until %(end)s. Credit repair may be "
                "applied for from %(repair)s.") % {
                  "number": case.decision_number, "subject": case.subject_name, "list": case.get_list_kind_display(),
                  "end": _date(case.publication_ends_on), "repair": _date(case.repair_possible_from)}, case)
        record_credit_event(case, "blacklist_entry", today, user)
        notify_partners(case, today)
    return case


def partner_departments(case):
    """Every department of another kind whose jurisdiction covers the institution (their region is
    the institution's street or one above it): those who join in the punishment."""
    path = case.institution.region.path
    ancestors = [path[: i + 1] for i in range(len(path)) if path[i] == "/" and i > 0]
    return Department.objects.filter(region__path__in=ancestors).exclude(kind=case.department.kind).exclude(
        kind=DepartmentKind.CIVIL_AFFAIRS)


def notify_partners(case, today=None) -> list[PartnerNotice]:
    """One joint-punishment notice per partner department (a retry sends none twice)."""
    today = today or clock.today()
    due = add_working_days(today, settings.LISTING_ACKNOWLEDGEMENT_WORKING_DAYS).date
    sent = []
    for department in partner_departments(case):
        notice, created = PartnerNotice.objects.get_or_create(case=case, department=department,
                                                              defaults={"acknowledge_by": due})
        if created:
            sent.append(notice)
            notify(officials_of(department.pk), NOTIFICATION_KIND,
                   _("Joint punishment: %(subject)s is listed on the %(list)s by %(department)s (%(number)s). "
                     "Acknowledge by %(due)s.") % {
                       "subject": case.subject_name, "list": case.get_list_kind_display(),
                       "department": case.department.name, "number": case.decision_number, "due": _date(due)},
                   partner_link(notice))
    if sent:
        _event(case, EventKind.PARTNERS_NOTIFIED, None, departments=[n.department_id for n in sent])
    return sent


def partner_link(notice) -> str:
    try:
        return reverse("listings:partner_notice", args=[notice.pk])
    except NoReverseMatch:
        return ""


def acknowledge(user, notice: PartnerNotice, *, measures: str = "") -> PartnerNotice:
    """The partner department acknowledges the notice (and may say what measures it applies)."""
    if not access.may_acknowledge(user, notice):
        raise PermissionDenied
    with transaction.atomic():
        notice = PartnerNotice.objects.select_for_update().select_related("case").get(pk=notice.pk)
        if notice.acknowledged_at is not None:
            return notice  # a second click changes nothing
        notice.acknowledged_at, notice.acknowledged_by, notice.measures = clock.now(), user, measures.strip()
        notice.save(update_fields=["acknowledged_at", "acknowledged_by", "measures"])
        _event(notice.case, EventKind.ACKNOWLEDGED, user, department=notice.department_id)
    return notice


def chase_unacknowledged(today=None, case=None) -> int:
    """Periodic: remind partner departments whose notice is past its acknowledgement date (once a day).

    With `case`, only that case's notices (the process's acknowledgement timer fires it).
    """
    today = today or clock.today()
    due = (
        PartnerNotice.objects.filter(acknowledged_at__isnull=True, lifted_at__isnull=True, acknowledge_by__lt=today)
        .filter(Q(last_chased_on__isnull=True) | Q(last_chased_on__lt=today))
        .select_related("case__institution", "case__department", "department")
    )
    if case is not None:
        due = due.filter(case=case)
    chased = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            notice = due.select_for_update().filter(pk=pk).first()
            if notice is None:
                continue
            notice.chases += 1
            notice.last_chased_on = today
            notice.save(update_fields=["chases", "last_chased_on"])
            case = notice.case
            _event(case, EventKind.CHASED, None, department=notice.department_id, chases=notice.chases)
            text = _("Reminder: the joint-punishment notice on %(subject)s (%(number)s) was due to be acknowledged "
                     "by %(due)s.") % {"subject": case.subject_name, "number": case.decision_number,
                                       "due": _date(notice.acknowledge_by)}
            notify(officials_of(notice.department_id), NOTIFICATION_KIND, text, partner_link(notice))
            _tell(heads_of(case.department_id),
                  _("%(department)s has not acknowledged the joint-punishment notice on %(subject)s.") % {
                      "department": notice.department.name, "subject": case.subject_name}, case)
        chased += 1
    return chased


# --- removal: at the end of publication, or by repair -----------------------------------------------


def _remove(case, removal, on, actor=None):
    case.removal, case.removed_on, case.closed_at = removal, on, clock.now()
    case.save(update_fields=["removal", "removed_on", "closed_at"])
    notices = list(case.partner_notices.filter(lifted_at__isnull=True))
    for notice in notices:
        notice.lifted_at = case.closed_at
        notice.save(update_fields=["lifted_at"])
        notify(officials_of(notice.department_id), NOTIFICATION_KIND,
               _("Joint punishment lifted: %(subject)s is no longer on the %(list)s (%(number)s).") % {
                   "subject": case.subject_name, "list": case.get_list_kind_display(),
                   "number": case.decision_number}, partner_link(notice))
    record_credit_event(case, "blacklist_removal", on, actor)
    case_removed.send(sender=ListingCase, case=case)


def end_expired_listings(today=None) -> int:
    """Periodic: publication stops by itself at the maximum period (国办发〔2025〕22号)."""
    today = today or clock.today()
    ended = 0
    for pk in list(ListingCase.objects.filter(decision=Decision.LIST, removal="", publication_ends_on__lte=today)
                   .values_list("pk", flat=True)):
        with transaction.atomic():
            case = ListingCase.objects.select_for_update().filter(pk=pk, removal="").first()
            if case is None:
                continue
            _remove(case, Removal.EXPIRED, case.publication_ends_on)
            _event(case, EventKind.EXPIRED, None, on=case.publication_ends_on.isoformat())
            _tell(operators_of(case), _("The listing of %(subject)s (%(number)s) ended on %(date)s.") % {
                "subject": case.subject_name, "number": case.decision_number,
                "date": _date(case.publication_ends_on)}, case)
        ended += 1
    return ended


def new_serious_breaches(case) -> list[str]:
    """Serious breaches of the institution recorded since the listing: other joint-punishment cases
    proposed since (not dismissed or set aside) and major fire hazards left past a deadline."""
    from supervision.rectification.models import EventKind as RectificationEventKind
    from supervision.rectification.models import RectificationEvent

    since = case.decided_at
    found = [
        _("listing case on “%(ground)s” of %(date)s") % {"ground": other.get_ground_display(),
                                                          "date": _date(_local_date(other.proposed_at))}
        for other in ListingCase.objects.filter(institution=case.institution, list_kind=ListKind.BLACKLIST,
                                                proposed_at__gt=since)
        .exclude(pk=case.pk).exclude(decision=Decision.DISMISS).exclude(review_agreed=False)
    ]
    found += [
        _("major fire hazard past the deadline of %(number)s") % {"number": event.notice.number}
        for event in RectificationEvent.objects.filter(
            notice__institution=case.institution, kind=RectificationEventKind.BLACKLIST_GROUND, at__gt=since,
        ).exclude(notice=case.source_notice).select_related("notice")
    ]
    return found


def repair_refused_reason(case, today=None) -> str:
    """Why the institution may not apply for repair now ("" if it may)."""
    today = today or clock.today()
    if (case.stage if "stage_code" in case.__dict__ else _stage(case, today)) != Stage.LISTED:
        return _("Only a listing in publication can be repaired.")
    if today < case.repair_possible_from:
        return _("Credit repair may be applied for from %(date)s, %(months)s months after the listing "
                 "(民发〔2019〕103号 Art. 11).") % {
            "date": _date(case.repair_possible_from), "months": minimum_months(case.list_kind)}
    if case.repair_applications.filter(decided_at__isnull=True).exists():
        return _("A repair application is already waiting for a decision.")
    refused = case.repair_applications.filter(granted=False).order_by("-pk").first()
    if refused is not None and refused.reapply_from and today < refused.reapply_from:
        return _("After the refusal of %(refused)s a new application may be made from %(date)s.") % {
            "refused": _date(_local_date(refused.decided_at)), "date": _date(refused.reapply_from)}
    breaches = new_serious_breaches(case)
    if breaches:
        return _("A new serious breach was recorded since the listing (%(breaches)s): repair needs none "
                 "(民发〔2019〕103号 Art. 11 (1)).") % {"breaches": "；".join(breaches)}
    return ""


def apply_for_repair(user, case, *, rectification_done: str, commitment: str, files=(), today=None) -> RepairApplication:
    """信用修复: the institution shows its rectification done, with a public credit commitment."""
    if not access.is_operator_of(user, case):
        raise PermissionDenied
    today = today or clock.today()
    files = list(files)
    problems = {}
    if not rectification_done.strip():
        problems["rectification_done"] = _("Show how the rectification was done.")
    if not commitment.strip():
        problems["commitment"] = _("Give the public credit commitment (信用承诺).")
    bad = _check_uploads(files)
    if bad:
        problems["files"] = bad
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        case = ListingCase.objects.select_for_update().with_stage(today).get(pk=case.pk)
        refused = repair_refused_reason(case, today)
        if refused:
            raise ValidationError(refused)
        application = RepairApplication.objects.create(
            case=case, submitted_by=user, rectification_done=rectification_done.strip(),
            commitment=commitment.strip(),
            decide_by=add_working_days(today, settings.LISTING_REPAIR_DECISION_WORKING_DAYS).date,
        )
        _store_files(user, case, files, FilePurpose.REPAIR, application)
        _event(case, EventKind.REPAIR_APPLIED, user, application=application.pk)
        _tell(officials_of(case.department_id),
              _("%(institution)s applied for credit repair of %(number)s: review it.") % {
                  "institution": case.institution.name, "number": case.decision_number}, case)
    return application


def review_repair(user, application: RepairApplication, *, note: str) -> RepairApplication:
    """An official of the department verifies the application (rectification, no new breach)."""
    if not access.is_official_of(user, application.case):
        raise PermissionDenied
    if not note.strip():
        raise ValidationError({"note": _("Record what was verified.")})
    with transaction.atomic():
        application = RepairApplication.objects.select_for_update().get(pk=application.pk)
        if application.reviewed_at is not None or application.decided_at is not None:
            raise ValidationError(_("This application has already been reviewed."))
        application.reviewed_at, application.reviewed_by, application.review_note = clock.now(), user, note.strip()
        application.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        _event(application.case, EventKind.REPAIR_REVIEWED, user, application=application.pk)
        _tell(heads_of(application.case.department_id),
              _("Credit repair of %(number)s is ready for your decision.") % {
                  "number": application.case.decision_number}, application.case)
    return application


def decide_repair(user, application: RepairApplication, *, grant: bool, reasons: str,
                  reapply_from: dt.date | None = None, today=None) -> RepairApplication:
    """The head grants repair (publication stops, sanctions lifted) or refuses it with reasons and
    the date from which the institution may apply again."""
    case = application.case
    if not access.is_head_of(user, case):
        raise PermissionDenied
    today = today or clock.today()
    if not reasons.strip():
        raise ValidationError({"reasons": _("Give the reasons for the decision.")})
    if not grant and (reapply_from is None or reapply_from <= today):
        raise ValidationError({"reapply_from": _("Say from when the institution may apply again (a later date).")})
    with transaction.atomic():
        application = RepairApplication.objects.select_for_update().get(pk=application.pk)
        case = ListingCase.objects.select_for_update().get(pk=application.case_id)
        if application.decided_at is not None:
            raise ValidationError(_("This application has already been decided."))
        if application.reviewed_at is None:
            raise ValidationError(_("The application is reviewed by an official before the decision."))
        breaches = new_serious_breaches(case) if grant else []
        if breaches:
            raise ValidationError(_("A new serious breach was recorded since the listing (%(breaches)s): "
                                    "repair needs none (民发〔2019〕103号 Art. 11 (1)).") % {
                "breaches": "；".join(breaches)})
        application.decided_at, application.decided_by = clock.now(), user
        application.granted, application.reasons = grant, reasons.strip()
        application.reapply_from = None if grant else reapply_from
        application.save()
        if grant:
            _remove(case, Removal.REPAIRED, today, user)
            _event(case, EventKind.REPAIRED, user, application=application.pk)
            _tell(operators_of(case), _("Credit repair granted: %(subject)s is removed from the %(list)s.") % {
                "subject": case.subject_name, "list": case.get_list_kind_display()}, case)
        else:
            _event(case, EventKind.REPAIR_REFUSED, user, application=application.pk,
                   reapply_from=reapply_from.isoformat())
            _tell(operators_of(case),
                  _("Credit repair refused: %(reasons)s You may apply again from %(date)s.") % {
                      "reasons": application.reasons, "date": _date(reapply_from)}, case)
    return application


# --- effects while listed (read by credit, sampling and the desk) -------------------------------------


def listed_cases(on=None, list_kind=ListKind.BLACKLIST):
    return ListingCase.objects.listed_on(on or clock.today()).filter(list_kind=list_kind)


def listed_institutions(on=None, list_kind=ListKind.BLACKLIST):
    """Institutions listed as such (not through a person) on `on`: graded D, drawn at the D ratio,
    not eligible for grading (等级评定) or subsidies."""
    cases = listed_cases(on, list_kind).filter(subject_kind=SubjectKind.INSTITUTION)
    return Institution.objects.filter(pk__in=cases.values("institution"))


def is_listed(institution, on=None, list_kind=ListKind.BLACKLIST) -> bool:
    return listed_cases(on, list_kind).filter(subject_kind=SubjectKind.INSTITUTION,
                                              institution=institution).exists()


def listed_persons_matching(institution, on=None):
    """Listed persons whose name is the institution's legal representative.

    What matches: the listed person's name, exactly (after trimming spaces), against this
    institution's `legal_representative` field; the registry keeps no principal or ID number, so
    a match is a name match to be verified, not proof it is the same person. Cases of this very
    institution are not repeated here (they show as its own listing).
    """
    name = (institution.legal_representative or "").strip()
    if not name:
        return ListingCase.objects.none()
    return (
        ListingCase.objects.listed_on(on or clock.today())
        .filter(subject_kind=SubjectKind.PERSON, person_name=name)
        .exclude(institution=institution).select_related("institution")
    )


def listing_flags(institution, on=None) -> dict:
    """What officials are shown about an institution while it, or its legal representative, is listed."""
    on = on or clock.today()
    blacklisted = is_listed(institution, on)
    return {
        "blacklisted": blacklisted,
        "watched": is_listed(institution, on, ListKind.WATCH),
        "not_eligible": blacklisted,  # neither grading (等级评定) nor subsidies while listed
        "listed_persons": list(listed_persons_matching(institution, on)),
    }
