"""The field app's sync: one record (现场检查记录) per inspection, sent with a client-made UUID.

Idempotent on the UUID: a record stored once is answered `duplicate` on every retry and never
stored twice. Each record is validated on its own and answered on its own: `stored`,
`duplicate`, `rejected` (with what to fix; the tablet keeps its data) or `conflict` (the
inspection was reassigned, cancelled, submitted by someone else or changed since the tablet
fetched it: shown to the inspector, never dropped). Rejections and conflicts are not stored,
so the same record may be sent again once fixed.
"""

import uuid as uuidlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from supervision.inspections import access, services
from supervision.inspections.models import Answer, Inspection, InspectionStatus, Photo, Signature, SyncRecord

STORED, DUPLICATE, REJECTED, CONFLICT = "stored", "duplicate", "rejected", "conflict"


@dataclass
class Result:
    uuid: str
    status: str
    message: str = ""

    def as_dict(self):
        return {"uuid": self.uuid, "status": self.status, "message": self.message}


class OutOfReach(Exception):
    """The record names an inspection the user was never on the team of (the view answers 404)."""


def parse_uuid(value) -> str | None:
    try:
        return str(uuidlib.UUID(str(value)))
    except (TypeError, ValueError, AttributeError):
        return None


def _when(value):
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, timezone.utc)


def check_reach(user, records) -> None:
    """Raise OutOfReach unless every record names an inspection on the user's teams (now or before)."""
    for record in records:
        pk = record.get("inspection") if isinstance(record, dict) else None
        if not isinstance(pk, int):
            continue  # rejected per record below
        if not access.team_inspections(user).filter(pk=pk).exists() and not access.was_on_team(user, pk):
            raise OutOfReach


def apply(user, record: dict) -> Result:
    client_uuid = parse_uuid(record.get("uuid")) if isinstance(record, dict) else None
    if client_uuid is None:
        return Result(str(record.get("uuid", "") if isinstance(record, dict) else ""), REJECTED,
                      _("The record has no valid identifier."))
    done = SyncRecord.objects.filter(client_uuid=client_uuid).first()
    if done is not None:
        return Result(client_uuid, DUPLICATE, _("Already received."))
    inspection = access.team_inspections(user).filter(pk=record.get("inspection")).first()
    if inspection is None:
        return Result(client_uuid, CONFLICT, _("This inspection was reassigned to other inspectors."))
    try:
        with transaction.atomic():
            inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
            conflict = _conflict(inspection, record)
            if conflict:
                return Result(client_uuid, CONFLICT, conflict)
            _store(user, inspection, record)
            SyncRecord.objects.create(client_uuid=client_uuid, inspection=inspection,
                                      official=access.official_of(user), status=STORED)
    except IntegrityError:
        # The same UUID stored concurrently by another request: that one counts.
        if SyncRecord.objects.filter(client_uuid=client_uuid).exists():
            return Result(client_uuid, DUPLICATE, _("Already received."))
        raise
    except ValidationError as e:
        return Result(client_uuid, REJECTED, " ".join(e.messages))
    except PermissionDenied:
        return Result(client_uuid, REJECTED, _("You may not change this inspection."))
    return Result(client_uuid, STORED, _("Received."))


def _conflict(inspection, record) -> str:
    if inspection.status == InspectionStatus.CANCELLED:
        return _("This inspection was cancelled.")
    if inspection.status == InspectionStatus.SUBMITTED:
        return _("The record of this inspection was already submitted from another device.")
    if record.get("revision") != inspection.revision:
        return _("This inspection was changed on the server after you opened it (team, date or notice). "
                 "Reload it and check your answers.")
    return ""


def _store(user, inspection, record):
    services.start(user, inspection, at=_when(record.get("started_at")))
    answers = record.get("answers")
    if not isinstance(answers, list):
        raise ValidationError(_("The record has no answers."))
    services.record_answers(user, inspection, answers)
    _check_photos(inspection, answers)
    position = record.get("position")
    if isinstance(position, dict):
        services.record_position(user, inspection, latitude=position.get("latitude"),
                                 longitude=position.get("longitude"), accuracy_m=position.get("accuracy"),
                                 at=_when(position.get("at")))
    team = {o.pk: o for o in inspection.team.all()}
    for raw in record.get("signatures") or []:
        if not isinstance(raw, dict):
            raise ValidationError(_("A signature is not readable."))
        method = raw.get("method")
        image = services.decode_png(raw.get("image")) if method == Signature.Method.DRAWN else None
        services.sign(user, inspection, role=raw.get("role"), name=raw.get("name", ""), method=method, image=image,
                      official=team.get(raw.get("official")), at=_when(raw.get("at")))
    if record.get("finished_at"):
        inspection.finished_at = _when(record.get("finished_at"))
        inspection.save(update_fields=["finished_at"])
    if record.get("submit", True):
        services.submit_record(user, inspection)


def _check_photos(inspection, answers):
    """Photos named by answers must have arrived whole; a required photo must be there."""
    for raw in answers:
        item = inspection.checklist.item(raw.get("item"))
        photos = [parse_uuid(p) for p in raw.get("photos") or []]
        if None in photos:
            raise ValidationError(_("A photo reference is not readable."))
        found = Photo.objects.filter(inspection=inspection, client_uuid__in=photos)
        if found.count() != len(set(photos)) or found.filter(completed_at__isnull=True).exists():
            raise ValidationError(_("“%(item)s”: a photo has not finished uploading yet.") % {"item": item["title"]})
        found.exclude(item_code=item["code"]).update(item_code=item["code"])
        if (raw.get("value") == Answer.Compliance.NON_COMPLIANT and item.get("photo_required")
                and not photos):
            raise ValidationError(_("“%(item)s”: a photo is required for a non-compliant answer.") % {"item": item["title"]})
