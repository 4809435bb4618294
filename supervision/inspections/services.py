"""What can happen to an inspection, as plain functions (testable without Viewflow).

Each function takes the acting user first and checks their right itself: Viewflow does not check
calls from code. A refusal raises PermissionDenied; a broken rule raises ValidationError with a
message for the user. The domain never imports a flow: when a record is submitted it sends
`record_submitted`, which the inspection process (workflows/inspection) listens to; findings that
need rectification are then offered on the desk's findings page, where the team issues a
rectification notice (rectification.services.issue_notice) and its process starts.
"""

import base64
import binascii
import datetime as dt
import hashlib
import math
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.calendar import add_working_days
from supervision.core.numbering import next_document_number
from supervision.credit import services as credit
from supervision.credit.models import CreditEventKind
from supervision.inspections import access, checklists
from supervision.inspections.models import (
    NOTICE_DOCUMENT_TYPE,
    Answer,
    Finding,
    Inspection,
    InspectionKind,
    InspectionStatus,
    NoticeDelivery,
    Photo,
    ReviewOutcome,
    Severity,
    Signature,
)
from supervision.registry.access import institutions_for

# Sent after the commit that submitted a record (sender=Inspection, inspection=…).
record_submitted = Signal()
# Sent after the commit that created an inspection through schedule_inspection (sender=Inspection).
inspection_scheduled = Signal()

MIN_TEAM = 2
MAX_DAYS_AHEAD = 366  # a check is planned at most a year ahead
MAX_SIGNATURE_BYTES = 300_000
COMPLIANCE_VALUES = {c.value for c in Answer.Compliance}


def notice_working_days() -> int:
    """检查通知书: how many working days ahead of an announced check (a setting, 3 by default)."""
    return settings.INSPECTION_NOTICE_WORKING_DAYS


def publicity_working_days() -> int:
    """一公开: within how many working days the result is published (a setting, 20 by default)."""
    return settings.INSPECTION_PUBLICITY_WORKING_DAYS


def _require(condition):
    if not condition:
        raise PermissionDenied


def _locked(inspection) -> Inspection:
    return Inspection.objects.select_for_update().get(pk=inspection.pk)


def bump_revision(inspection_pk):
    """A change made on the server: field records based on an older revision become conflicts."""
    from django.db.models import F

    Inspection.objects.filter(pk=inspection_pk).update(revision=F("revision") + 1)


# --- scheduling ------------------------------------------------------------------------------


def check_date_in_reach(day: dt.date | None, *, today: dt.date | None = None) -> None:
    """A check is planned from today on, at most MAX_DAYS_AHEAD ahead (not 0001-01-01 nor 9999-12-31)."""
    if day is None:
        return
    today = today or clock.today()
    latest = today + dt.timedelta(days=MAX_DAYS_AHEAD)
    if not today <= day <= latest:
        raise ValidationError(_("The date of the check must be between %(today)s and %(latest)s.")
                              % {"today": today.isoformat(), "latest": latest.isoformat()})


def schedule_inspection(user, *, institution, kind, team, announced=True, scheduled_for=None, checklist=None,
                        department=None, case_reason: str = "", form_token=None) -> Inspection:
    """A planner creates an inspection (a case check from a complaint or lead is unannounced).

    A case check keeps its complaint or lead (`case_reason`), required.
    """
    _require(access.may_plan_case_checks(user))
    actor_official = access.official_of(user)
    if not institutions_for(user).filter(pk=institution.pk).exists():
        raise PermissionDenied
    team = list(team)
    if len({o.pk for o in team}) < MIN_TEAM:
        raise ValidationError(_("A team needs at least two inspectors."))
    check_date_in_reach(scheduled_for)
    case_reason = (case_reason or "").strip()
    if kind == InspectionKind.CASE:
        announced = False
        if not case_reason:
            raise ValidationError(_("Describe the complaint or lead that prompted the case check."))
    inspection = Inspection.objects.create(
        institution=institution, kind=kind, department=department or actor_official.department,
        announced=announced, scheduled_for=scheduled_for,
        checklist=checklist, case_reason=case_reason, form_token=form_token,
    )
    inspection.team.set(team)
    if inspection.checklist_id is None:
        ensure_checklist(inspection)
    transaction.on_commit(lambda: inspection_scheduled.send(sender=Inspection, inspection=inspection))
    return inspection


def ensure_checklist(inspection) -> Inspection:
    """Fix the checklist version the first time the inspection is opened; never change it after."""
    if inspection.checklist_id is None:
        template = checklists.default_for(inspection)
        Inspection.objects.filter(pk=inspection.pk, checklist__isnull=True).update(checklist=template)
        inspection.refresh_from_db(fields=["checklist"])
    return inspection


def issue_inspection_notice(user, inspection, *, scheduled_for: dt.date, today: dt.date | None = None) -> Inspection:
    """检查通知书: numbered, at least N working days before the check; none for an unannounced check.

    Issued by the lead department's planners or heads, or by the team.
    """
    _require(access.may_issue_notice(user, inspection))
    if not inspection.announced:
        raise ValidationError(_("An unannounced check has no advance notice."))
    if inspection.notice_number:
        raise ValidationError(_("The notice was already issued."))
    if inspection.status != InspectionStatus.SCHEDULED:
        raise ValidationError(_("A notice is issued only before the check."))
    today = today or clock.today()
    check_date_in_reach(scheduled_for, today=today)
    days = notice_working_days()
    earliest = add_working_days(today, days).date
    if scheduled_for < earliest:
        raise ValidationError(_("The check must be at least %(days)s working days after the notice: %(date)s or later.")
                              % {"days": days, "date": earliest.isoformat()})
    with transaction.atomic():
        inspection = _locked(inspection)
        number = next_document_number(inspection.department, NOTICE_DOCUMENT_TYPE, today.year)
        inspection.notice_number, inspection.notice_date = number.text, today
        inspection.scheduled_for = scheduled_for
        inspection.revision += 1
        inspection.save(update_fields=["notice_number", "notice_date", "scheduled_for", "revision"])
    return inspection


def record_notice_delivery(user, inspection, *, method: str, received_by: str = "", at=None) -> Inspection:
    """How and when the issued notice reached the institution (送达), and who received it."""
    _require(access.may_issue_notice(user, inspection))
    if method not in NoticeDelivery.values:
        raise ValidationError(_("Choose how the notice was delivered."))
    with transaction.atomic():
        inspection = _locked(inspection)
        if not inspection.notice_number:
            raise ValidationError(_("The notice has not been issued yet."))
        if inspection.notice_delivered_at is not None:
            raise ValidationError(_("The delivery of the notice was already recorded."))
        inspection.notice_delivered_at = at or clock.now()
        inspection.notice_delivery_method = method
        inspection.notice_received_by = (received_by or "").strip()[:60]
        inspection.save(update_fields=["notice_delivered_at", "notice_delivery_method", "notice_received_by"])
    return inspection


def _carry_notice_on_arrival(inspection, at) -> None:
    """An unannounced check: the notice is numbered when the team arrives and shown there (个案检查)."""
    if inspection.announced or inspection.notice_number:
        return
    day = timezone.localtime(at).date()
    number = next_document_number(inspection.department, NOTICE_DOCUMENT_TYPE, day.year)
    inspection.notice_number, inspection.notice_date = number.text, day
    inspection.notice_delivered_at, inspection.notice_delivery_method = at, NoticeDelivery.ON_ARRIVAL


def cancel(user, inspection) -> Inspection:
    _require(access.is_head_of(user, inspection) or access.may_plan_case_checks(user))
    with transaction.atomic():
        inspection = _locked(inspection)
        if inspection.status == InspectionStatus.SUBMITTED:
            raise ValidationError(_("A submitted record cannot be cancelled."))
        inspection.status = InspectionStatus.CANCELLED
        inspection.revision += 1
        inspection.save(update_fields=["status", "revision"])
    return inspection


# --- on site ---------------------------------------------------------------------------------


def start(user, inspection, *, at=None) -> Inspection:
    _require(access.is_team_member(user, inspection))
    _require_open(inspection)
    ensure_checklist(inspection)
    if inspection.started_at is None:
        fields = ["started_at", "status", "notice_number", "notice_date", "notice_delivered_at",
                  "notice_delivery_method"]
        with transaction.atomic():
            locked = _locked(inspection)
            if locked.started_at is None:
                locked.started_at = at or clock.now()
                locked.status = InspectionStatus.IN_PROGRESS
                _carry_notice_on_arrival(locked, locked.started_at)
                locked.save(update_fields=fields)
        for name in fields:  # the caller goes on with its own object
            setattr(inspection, name, getattr(locked, name))
    return inspection


def _require_open(inspection):
    if inspection.status == InspectionStatus.CANCELLED:
        raise ValidationError(_("This inspection was cancelled."))
    if inspection.status == InspectionStatus.SUBMITTED:
        raise ValidationError(_("The record of this inspection was already submitted."))


def clean_answer(item: dict, raw: dict) -> dict:
    """Validate one answer against its checklist item; return the cleaned fields."""
    value = str(raw.get("value", "") if raw.get("value") is not None else "").strip()
    note = str(raw.get("note") or "").strip()
    title = item["title"]
    if item["answer"] == "compliance":
        if value not in COMPLIANCE_VALUES:
            raise ValidationError(_("“%(item)s”: choose compliant, non-compliant or not applicable.") % {"item": title})
    elif item["answer"] == "number":
        try:
            Decimal(value)
        except InvalidOperation:
            raise ValidationError(_("“%(item)s”: enter a number.") % {"item": title}) from None
    elif len(value) > 500:
        raise ValidationError(_("“%(item)s”: the answer is too long.") % {"item": title})
    if len(note) > settings.FIELD_MAX_NOTE_CHARS:
        raise ValidationError(_("“%(item)s”: the note is longer than %(limit)s characters.")
                              % {"item": title, "limit": settings.FIELD_MAX_NOTE_CHARS})
    severity = str(raw.get("severity") or item.get("severity") or "")
    if value == Answer.Compliance.NON_COMPLIANT:
        if severity not in Severity.values:
            raise ValidationError(_("“%(item)s”: choose a severity cell A–L.") % {"item": title})
        if item.get("major_hazard") and severity < "J":
            raise ValidationError(_("“%(item)s” is a major accident hazard: its severity is at least J.") % {"item": title})
        if not note:
            raise ValidationError(_("“%(item)s”: describe what is non-compliant.") % {"item": title})
    non_compliant = value == Answer.Compliance.NON_COMPLIANT
    # An item switched back to compliant (or n/a) loses its old finding note: it is not in the record.
    return {"value": value, "note": note if non_compliant else "", "severity": severity if non_compliant else "",
            "needs_rectification": bool(raw.get("needs_rectification", True))}


def record_answers(user, inspection, answers: list[dict], *, at=None) -> list[Answer]:
    """Store answers ({item, value, note, severity, needs_rectification}); the latest answer wins."""
    _require(access.is_team_member(user, inspection))
    _require_open(inspection)
    ensure_checklist(inspection)
    template = inspection.checklist
    official = access.official_of(user)
    stored = []
    for raw in answers:
        item = template.item(raw.get("item"))
        if item is None:
            raise ValidationError(_("Unknown checklist item %(code)s.") % {"code": raw.get("item")})
        fields = clean_answer(item, raw)
        answer, _created = Answer.objects.update_or_create(
            inspection=inspection, item_code=item["code"],
            defaults={**fields, "answered_by": official, "answered_at": at or clock.now()},
        )
        stored.append(answer)
    return stored


def add_finding(user, inspection, *, item_code: str, description: str, severity: str,
                needs_rectification: bool = True) -> Finding:
    """A finding on a checklist item (the record's non-compliant answers become findings on submit)."""
    _require(access.is_team_member(user, inspection))
    ensure_checklist(inspection)
    item = inspection.checklist.item(item_code) if inspection.checklist else None
    if item is None:
        raise ValidationError(_("Unknown checklist item %(code)s.") % {"code": item_code})
    if severity not in Severity.values:
        raise ValidationError(_("Choose a severity cell A–L."))
    if item.get("major_hazard") and severity < "J":
        raise ValidationError(_("“%(item)s” is a major accident hazard: its severity is at least J.") % {"item": item["title"]})
    return Finding.objects.create(
        inspection=inspection, item_code=item_code, item_title=item["title"][:200],
        legal_basis=item.get("legal_basis", ""), description=description.strip(), severity=severity,
        major_hazard=bool(item.get("major_hazard")), fire_hazard=bool(item.get("fire_hazard")),
        needs_rectification=needs_rectification,
    )


def decode_png(data_url: str) -> bytes:
    prefix = "data:image/png;base64,"
    if not isinstance(data_url, str) or not data_url.startswith(prefix):
        raise ValidationError(_("A drawn signature must be a PNG image."))
    try:
        data = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(_("The signature image is damaged.")) from None
    if len(data) > MAX_SIGNATURE_BYTES or not data.startswith(b"\x89PNG"):
        raise ValidationError(_("The signature image is damaged."))
    return data


def sign(user, inspection, *, role: str, name: str, method: str, image: bytes | None = None, official=None,
         at=None, content_sha256: str = "", credential: str | None = None) -> Signature:
    """An inspector of the team signs (drawn, or confirmed by tapping); the representative signs or refuses.

    A teammate confirming without drawing on the user's tablet proves it is them with their own
    password (`credential`), checked here and recorded (`confirmed_with_credentials`).
    """
    _require(access.is_team_member(user, inspection))
    _require_open(inspection)
    name = (name or "").strip()
    by_credentials = False
    if method not in Signature.Method.values:
        raise ValidationError(_("Unknown way of signing."))
    if role == Signature.Role.INSPECTOR:
        if official is None or not inspection.team.filter(pk=official.pk).exists():
            raise ValidationError(_("Only inspectors of the team sign as inspectors."))
        if method == Signature.Method.REFUSED:
            raise ValidationError(_("An inspector cannot refuse to sign."))
        if method == Signature.Method.CONFIRMED and official != access.official_of(user):
            if not credential or not official.user.is_active or not official.user.check_password(credential):
                raise ValidationError(_("%(name)s confirmed without drawing: that needs %(name)s's own password, "
                                        "and it was missing or wrong. Ask %(name)s to sign again.")
                                      % {"name": official.name})
            by_credentials = True
        name = name or official.name
    elif role == Signature.Role.REPRESENTATIVE:
        official = None
        if not name and method != Signature.Method.REFUSED:
            raise ValidationError(_("Enter the representative's name."))
    else:
        raise ValidationError(_("Unknown signer."))
    if method == Signature.Method.DRAWN and not image:
        raise ValidationError(_("The signature is empty."))
    lookup = {"inspection": inspection, "role": role}
    if official is not None:
        lookup["official"] = official
    Signature.objects.filter(**lookup).delete()
    signature = Signature(inspection=inspection, role=role, official=official, name=name[:60], method=method,
                          signed_at=at or clock.now(), content_sha256=content_sha256,
                          confirmed_with_credentials=by_credentials)
    signature.save()
    if image and method == Signature.Method.DRAWN:
        signature.image.save(f"{role}.png", ContentFile(image), save=True)
    if role == Signature.Role.REPRESENTATIVE:
        inspection.representative_name = name[:60]
        inspection.representative_refused = method == Signature.Method.REFUSED
        inspection.save(update_fields=["representative_name", "representative_refused"])
    return signature


def record_position(user, inspection, *, latitude, longitude, accuracy_m, at=None) -> Inspection:
    _require(access.is_team_member(user, inspection))
    try:
        lat, lon, acc = Decimal(str(latitude)), Decimal(str(longitude)), float(accuracy_m)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(_("The position is not readable.")) from None
    if not (lat.is_finite() and lon.is_finite() and math.isfinite(acc)
            and -90 <= lat <= 90 and -180 <= lon <= 180 and acc >= 0):
        raise ValidationError(_("The position is not readable."))
    inspection.latitude, inspection.longitude = lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))
    inspection.position_accuracy_m, inspection.position_at = acc, at or clock.now()
    inspection.save(update_fields=["latitude", "longitude", "position_accuracy_m", "position_at"])
    return inspection


def missing_signatures(inspection) -> list[str]:
    """What is still missing before the record can be submitted."""
    missing = []
    inspectors = inspection.signatures.filter(role=Signature.Role.INSPECTOR, official__in=inspection.team.all())
    if inspectors.count() < MIN_TEAM:
        missing.append(_("Both inspectors must sign the record."))
    if not inspection.signatures.filter(role=Signature.Role.REPRESENTATIVE).exists():
        missing.append(_("The institution's representative must sign, or the refusal be recorded."))
    return missing


def unanswered_items(inspection) -> list[str]:
    answered = set(inspection.answers.values_list("item_code", flat=True))
    return [item["title"] for _section, item in inspection.checklist.items()
            if item["answer"] != "text" and item["code"] not in answered]


def publicity_deadline(day: dt.date):
    """一公开: the result is published within N working days of the check (a WorkdayResult)."""
    return add_working_days(day, publicity_working_days())


def submit_record(user, inspection, *, at=None) -> Inspection:
    """Submit the record (现场检查记录): both inspectors signed, the representative signed or refused.

    Every non-compliant answer becomes a Finding (with its photos); `record_submitted` tells the
    process after the commit.
    """
    _require(access.is_team_member(user, inspection))
    with transaction.atomic():
        inspection = _locked(inspection)
        _require_open(inspection)
        ensure_checklist(inspection)
        problems = missing_signatures(inspection)
        unanswered = unanswered_items(inspection)
        if unanswered:
            problems.append(_("Items not answered yet: %(items)s.") % {"items": "、".join(unanswered[:5])})
        if problems:
            raise ValidationError(problems)
        at = at or clock.now()
        template = inspection.checklist
        for answer in inspection.answers.filter(value=Answer.Compliance.NON_COMPLIANT).order_by("pk"):
            item = template.item(answer.item_code)
            finding = Finding.objects.create(
                inspection=inspection, item_code=answer.item_code, item_title=item["title"][:200],
                legal_basis=item.get("legal_basis", ""), description=answer.note, severity=answer.severity,
                major_hazard=bool(item.get("major_hazard")), fire_hazard=bool(item.get("fire_hazard")),
                needs_rectification=answer.needs_rectification,
            )
            inspection.photos.filter(item_code=answer.item_code).update(finding=finding)
        deadline = publicity_deadline(timezone.localtime(at).date())
        inspection.status = InspectionStatus.SUBMITTED
        inspection.submitted_at = at
        inspection.finished_at = inspection.finished_at or at
        inspection.started_at = inspection.started_at or at
        inspection.publicity_deadline = deadline.date
        inspection.publicity_deadline_provisional = deadline.provisional
        inspection.save()
        _credit_events(user, inspection, timezone.localtime(at).date())
        submitted = inspection
        transaction.on_commit(lambda: record_submitted.send(sender=Inspection, inspection=submitted))
    return inspection


def _credit_events(user, inspection, day):
    """Each finding of the submitted record is a credit event by its severity cell; a clean record is one too."""
    common = {"institution": inspection.institution, "department": inspection.department, "decided_on": day,
              "recorded_by": user}
    findings = list(inspection.findings.order_by("pk"))
    for finding in findings:
        credit.append(kind=CreditEventKind.FINDING, cell=finding.severity, source=finding, **common)
    if not findings:
        credit.append(kind=CreditEventKind.INSPECTION_WITHOUT_FINDINGS, source=inspection, **common)


def review(user, inspection, *, outcome: str = ReviewOutcome.APPROVED, comment: str = "", at=None) -> Inspection:
    """The head of the lead department reviews a submitted record (optional step).

    Approved, or returned with remarks (a comment is then required). The signed record itself is
    not re-opened: it bears the institution's signature. The remarks stay with it for the team,
    and what they ask for is done by a rectification notice or a new check.
    """
    _require(access.is_head_of(user, inspection))
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted record can be reviewed."))
    if outcome not in ReviewOutcome.values:
        raise ValidationError(_("Choose an outcome of the review."))
    comment = (comment or "").strip()
    if outcome == ReviewOutcome.REMARKS and not comment:
        raise ValidationError(_("Write the remarks for the team."))
    inspection.reviewed_at, inspection.reviewed_by = at or clock.now(), user
    inspection.review_outcome, inspection.review_comment = outcome, comment
    inspection.save(update_fields=["reviewed_at", "reviewed_by", "review_outcome", "review_comment"])
    return inspection


def findings_needing_rectification(inspection):
    """The findings a rectification notice should cover (offered on the desk's findings page)."""
    return inspection.findings.filter(needs_rectification=True, notice_item__isnull=True)


# --- photos, uploaded in pieces ----------------------------------------------------------------

MAX_CHUNK_BYTES = 256 * 1024
# Pieces of an upload in progress go through the storage API (not a local folder), so that the
# app servers behind a load balancer share them; the whole photo is assembled from storage.
PARTIAL_FOLDER = "partial-uploads"


def begin_photo(user, inspection, *, client_uuid, size: int, sha256: str, item_code: str = "", taken_at=None) -> Photo:
    """Open (or find again) the upload of one photo: idempotent on the client's UUID.

    Within the limits (settings FIELD_MAX_*): the photo's size, photos per inspection and per
    item, and uploads open at once on one inspection.
    """
    _require(access.is_team_member(user, inspection))
    existing = Photo.objects.filter(client_uuid=client_uuid).first()
    if existing is not None:
        return _same_photo(existing, inspection)
    _require_open(inspection)
    if not isinstance(size, int) or not 0 < size <= settings.FIELD_MAX_PHOTO_BYTES:
        raise ValidationError(_("A photo must be between 1 byte and %(mb)s MB.")
                              % {"mb": settings.FIELD_MAX_PHOTO_BYTES // (1024 * 1024)})
    if not isinstance(sha256, str) or len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValidationError(_("The photo's checksum is missing."))
    ensure_checklist(inspection)
    if item_code and (inspection.checklist is None or inspection.checklist.item(item_code) is None):
        raise ValidationError(_("Unknown checklist item %(code)s.") % {"code": item_code})
    try:
        with transaction.atomic():
            locked = _locked(inspection)  # the counts below hold against concurrent uploads
            photos = Photo.objects.filter(inspection=locked)
            if photos.count() >= settings.FIELD_MAX_PHOTOS_PER_INSPECTION:
                raise ValidationError(_("This inspection already has %(limit)s photos, the most allowed.")
                                      % {"limit": settings.FIELD_MAX_PHOTOS_PER_INSPECTION})
            if item_code and photos.filter(item_code=item_code).count() >= settings.FIELD_MAX_PHOTOS_PER_ITEM:
                raise ValidationError(_("This item already has %(limit)s photos, the most allowed.")
                                      % {"limit": settings.FIELD_MAX_PHOTOS_PER_ITEM})
            if photos.filter(completed_at__isnull=True).count() >= settings.FIELD_MAX_OPEN_UPLOADS:
                raise ValidationError(_("%(limit)s photos of this inspection are still uploading; "
                                        "wait until they are done.") % {"limit": settings.FIELD_MAX_OPEN_UPLOADS})
            return Photo.objects.create(client_uuid=client_uuid, inspection=locked, item_code=item_code, size=size,
                                        sha256=sha256, uploaded_by=access.official_of(user), taken_at=taken_at)
    except IntegrityError:
        # The same photo begun concurrently (a retry): that one counts.
        existing = Photo.objects.filter(client_uuid=client_uuid).first()
        if existing is None:
            raise
        return _same_photo(existing, inspection)


def _same_photo(existing, inspection) -> Photo:
    if existing.inspection_id != inspection.pk:
        raise ValidationError(_("This photo belongs to another inspection."))
    return existing


def _piece_name(photo, offset: int) -> str:
    return f"{PARTIAL_FOLDER}/{photo.client_uuid}/{offset:010d}.part"


def _pieces(photo) -> list[str]:
    folder = f"{PARTIAL_FOLDER}/{photo.client_uuid}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/{name}" for name in files if name.endswith(".part"))


def _discard_pieces(photo) -> None:
    for name in _pieces(photo):
        default_storage.delete(name)


def _assemble(photo) -> bytes:
    """The pieces received so far, in order (each named by its offset), as one photo."""
    content = bytearray()
    for name in _pieces(photo):
        offset = int(name.rsplit("/", 1)[1].split(".")[0])
        if offset != len(content):
            continue  # a piece from an upload that started over; the ones in order make the photo
        with default_storage.open(name, "rb") as f:
            content += f.read()
    return bytes(content)


def append_chunk(user, photo, *, offset: int, data: bytes) -> Photo:
    """Append a piece at ``offset`` (must equal the bytes received so far); verify SHA-256 at the end.

    A piece sent twice (a retry after a lost answer) is ignored; a gap is refused, and the
    client resumes from ``received``. A wrong checksum discards the upload so it starts over.
    """
    _require(access.is_team_member(user, photo.inspection))
    damaged = False
    with transaction.atomic():
        photo = Photo.objects.select_for_update().get(pk=photo.pk)
        if photo.complete:
            return photo
        if len(data) > MAX_CHUNK_BYTES:
            raise ValidationError(_("A piece is too large."))
        if offset + len(data) <= photo.received:
            return photo  # already have it
        if offset != photo.received:
            raise ValidationError(_("Pieces must be sent in order."))
        if photo.received + len(data) > photo.size:
            raise ValidationError(_("The photo is larger than announced."))
        name = _piece_name(photo, offset)
        if default_storage.exists(name):  # left by an attempt whose answer was lost
            default_storage.delete(name)
        default_storage.save(name, ContentFile(data))
        photo.received += len(data)
        if photo.received == photo.size:
            content = _assemble(photo)
            if len(content) != photo.size or hashlib.sha256(content).hexdigest() != photo.sha256:
                _discard_pieces(photo)
                photo.received = 0
                photo.save(update_fields=["received"])
                damaged = True
            else:
                photo.file.save(f"{photo.client_uuid}.jpg", ContentFile(content), save=False)
                photo.completed_at = clock.now()
                _discard_pieces(photo)
        if not damaged:
            photo.save()
    if damaged:
        raise ValidationError(_("The photo arrived damaged (checksum mismatch); it will be sent again."))
    return photo
