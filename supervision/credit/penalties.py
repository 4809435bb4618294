"""Penalty records (行政处罚信息): recorded with the 「双公示」 fields, withdrawn with a reason.

Each record writes its credit event in the same transaction; a withdrawal (the decision was
changed or revoked) reverses that event, never deletes it.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.staff.access import actor_for

from . import rules as shipped
from . import scoring, services
from .models import CreditEvent, CreditEventKind, PenaltyRecord

FIELDS = ("decision_number", "violation_type", "facts", "legal_basis", "category", "content", "fine",
          "confiscation", "licence_action", "decision_date", "breach_class", "authority_credit_code",
          "data_source")


def max_fine_wan() -> Decimal:
    """The legal maximum in 万元 (the unit of the 「双公示」 standard)."""
    return Decimal(settings.CREDIT_PENALTY_MAX_FINE_YUAN) / 10000


def publication_end(decision_date: dt.date, breach_class: str, on: dt.date | None = None) -> dt.date:
    """公示截止期: the decision date plus the window of its class in the rule set in force."""
    rule_set = services.rule_set_in_force(shipped.PRIMARY, on or decision_date)
    months = (rule_set.window_months if rule_set else shipped.WINDOWS)[breach_class]
    return scoring.add_months(decision_date, months)


def check(values: dict) -> dict:
    """{field: message} for every problem of the values (empty when they may be recorded)."""
    problems = {}
    if not (values.get("decision_number") or "").strip():
        problems["decision_number"] = _("Give the number of the penalty decision (行政处罚决定书文号).")
    fine = Decimal(str(values.get("fine") or 0))
    if fine < 0:
        problems["fine"] = _("The fine cannot be negative.")
    elif fine > max_fine_wan():
        problems["fine"] = _("The fine of %(fine)s (10,000 yuan) is above the legal maximum of %(max)s yuan "
                             "(养老机构管理办法 Art. 46).") % {"fine": fine, "max": settings.CREDIT_PENALTY_MAX_FINE_YUAN}
    decided = values.get("decision_date")
    if decided is None:
        problems["decision_date"] = _("Give the decision date.")
    elif decided > clock.today():
        problems["decision_date"] = _("The date of the decision cannot be in the future.")
    return problems


def record_penalty(user, institution, department=None, notice=None, **values) -> PenaltyRecord:
    """Record a penalty decision for an institution in the user's jurisdiction, with its credit event."""
    if not services.may_record_for(user, institution):
        raise PermissionDenied(_("%(institution)s is outside your jurisdiction.") % {"institution": institution})
    for amount in ("fine", "confiscation"):
        values[amount] = Decimal(str(values.get(amount) or 0))
    problems = check(values)
    if problems:
        raise ValidationError(problems)
    official = actor_for(user).official
    department = department or (official.department if official else services.supervising_department(institution))
    values = {k: v for k, v in values.items() if k in FIELDS}
    values["decision_number"] = values["decision_number"].strip()
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = PenaltyRecord.objects.create(
                    institution=institution, party_name=institution.name, party_credit_code=institution.credit_code,
                    legal_representative=institution.legal_representative, department=department, notice=notice,
                    recorded_by=user,
                    publication_ends=publication_end(values["decision_date"], values.get("breach_class", "general")),
                    **values,
                )
        except IntegrityError:
            raise ValidationError({"decision_number": _("A penalty with this decision number is already recorded.")}) \
                from None
        services.append(institution=institution, department=department, kind=CreditEventKind.PENALTY,
                        decided_on=record.decision_date, breach_class=record.breach_class, source=record,
                        recorded_by=user, note=record.decision_number)
    return record


def withdraw_penalty(user, record: PenaltyRecord, *, reason: str, on: dt.date | None = None) -> PenaltyRecord:
    """The decision was changed or revoked: withdraw the record (3 working days) and reverse its event."""
    if not services.may_record_for(user, record.institution):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason the decision was changed or revoked.")})
    on = on or clock.today()
    with transaction.atomic():
        record = PenaltyRecord.objects.select_for_update().get(pk=record.pk)
        if record.withdrawn_on is not None:
            raise ValidationError(_("This penalty record is already withdrawn."))
        if on < record.decision_date:
            raise ValidationError({"on": _("A withdrawal cannot predate the decision.")})
        record.withdrawn_on, record.withdrawal_reason, record.withdrawn_by = on, reason.strip(), user
        record.save(update_fields=["withdrawn_on", "withdrawal_reason", "withdrawn_by"])
        event = CreditEvent.objects.filter(kind=CreditEventKind.PENALTY, source_id=record.pk,
                                           source_type__model="penaltyrecord", reverses__isnull=True).first()
        if event is not None:
            services.reverse_event(user, event, decided_on=on, note=reason, check=False)
    return record
