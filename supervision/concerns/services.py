"""Concerns from the public: receiving one (with its daily caps), deciding it, and its case check.

A concern is received once per form (core/once.py), routed to the civil-affairs department that
supervises the institution, announced to that department's planners and heads, and given a
tracking code. Verified (查实), it writes the ledger's "complaint_verified" event.
"""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from supervision.concerns import access
from supervision.concerns.models import Concern, ConcernPhoto, ConcernStatus
from supervision.core import clock
from supervision.core.once import create_once
from supervision.credit import services as credit
from supervision.credit.models import CreditEventKind
from supervision.notifications.models import NotificationKind
from supervision.notifications.services import notify
from supervision.staff.models import Official, Role

# No 0/O, 1/I: a code read out over the phone is not misheard. 16 characters: 80 bits.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 16


class CapReached(Exception):
    """Too many concerns today from one address, or about one institution."""


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def normal_tracking_code(typed: str) -> str:
    """What a person typed, as stored: upper case, groups of four (spaces or dashes anywhere)."""
    raw = "".join(ch for ch in (typed or "").upper() if ch.isalnum())[:CODE_LENGTH]
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def sender_key(address: str) -> str:
    return salted_hmac("supervision.concerns.sender", address or "").hexdigest()[:64]


def check_daily_caps(*, key: str, institution) -> None:
    """Counted in the database, per day in the bureau's time zone."""
    today = clock.today()
    if Concern.objects.filter(sender_key=key, received_on=today).count() >= settings.CONCERNS_PER_ADDRESS_PER_DAY:
        raise CapReached(_(
            "This connection has already sent %(count)s concerns today, the most one may send in a day. "
            "Please send it tomorrow, or call the civil-affairs department.") % {
            "count": settings.CONCERNS_PER_ADDRESS_PER_DAY})
    if Concern.objects.filter(institution=institution, received_on=today).count() \
            >= settings.CONCERNS_PER_INSTITUTION_PER_DAY:
        raise CapReached(_(
            "The department has received many concerns about this institution today and is looking into "
            "them. Please send yours tomorrow, or call the civil-affairs department."))


def submit_concern(*, institution, text: str, contact: str, photos, form_token, address: str):
    """(concern, created): a new concern, or the one the same form made before (a double post).

    ``photos``: uploads already checked by content (core/uploads.py) with their content types.
    Raises CapReached (nothing stored) when a daily cap is reached.
    """
    earlier = Concern.objects.filter(form_token=form_token).first()
    if earlier is not None:
        return earlier, False
    department = credit.supervising_department(institution)
    if department is None:
        raise ValidationError(_("No department supervises this institution yet: please call the civil-affairs "
                                "department."))
    key = sender_key(address)
    check_daily_caps(key=key, institution=institution)

    def create():
        moment = clock.now()
        concern = Concern.objects.create(
            institution=institution, department=department, text=text.strip(), contact=contact.strip(),
            tracking_code=new_tracking_code(), form_token=form_token, sender_key=key,
            received_at=moment, received_on=clock.today())
        for upload, content_type in photos:
            ConcernPhoto.objects.create(concern=concern, file=upload, content_type=content_type)
        _announce(concern)
        return concern

    return create_once(Concern, form_token, create)


def triagers(department):
    """The department's planners and heads: they read the inbox and open case checks."""
    return [o.user for o in Official.objects.filter(
        department=department, active=True, user__is_active=True,
        user__groups__name__in=[Role.PLANNER, Role.HEAD]).select_related("user").distinct()]


def _announce(concern):
    text = _("A concern from the public about %(institution)s (%(code)s).") % {
        "institution": concern.institution.name, "code": concern.tracking_code}
    notify(triagers(concern.department), NotificationKind.CONCERN_RECEIVED, text,
           reverse("concerns:detail", args=[concern.pk]))


def link_case_check(user, concern, inspection) -> Concern:
    """The case check made from the concern (it keeps the concern's text as its reason)."""
    if not access.may_decide(user, concern):
        raise PermissionDenied
    if concern.inspection_id is not None or concern.decided:
        raise ValidationError(_("This concern already has its case check or decision."))
    concern.inspection = inspection
    concern.status = ConcernStatus.UNDER_INSPECTION
    concern.save(update_fields=["inspection", "status"])
    return concern


def decide(user, concern, *, verified: bool, note: str) -> Concern:
    """查实 or 未查实, with its grounds. A verified concern writes the ledger's event, once."""
    if not access.may_decide(user, concern):
        raise PermissionDenied
    if concern.decided:
        raise ValidationError(_("This concern was already decided."))
    if not note.strip():
        raise ValidationError({"note": _("Give the grounds of the decision.")})
    with transaction.atomic():
        concern.status = ConcernStatus.VERIFIED if verified else ConcernStatus.NOT_VERIFIED
        concern.decided_at, concern.decided_by, concern.decision_note = clock.now(), user, note.strip()
        concern.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
        if verified:
            credit.record_event(user, institution=concern.institution, kind=CreditEventKind.COMPLAINT_VERIFIED,
                                decided_on=clock.today(), source=concern, department=concern.department,
                                note=_("Concern %(code)s verified") % {"code": concern.tracking_code})
    return concern
