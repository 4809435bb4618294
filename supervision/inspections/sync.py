"""The field app's sync: one record (现场检查记录) per inspection, sent with a client-made UUID.

Idempotent on the UUID: a record stored once is answered `duplicate` on every retry and never
stored twice. Each record is validated on its own and answered on its own: `stored`,
`duplicate`, `rejected` (with what to fix; the tablet keeps its data) or `conflict` (the
inspection was reassigned, cancelled, submitted by someone else or changed since the tablet
fetched it: shown to the inspector, never dropped). Rejections and conflicts are not stored,
so the same record may be sent again once fixed. A UUID already stored for another inspection or
another content is `rejected` with its reason (never a `duplicate`: the tablet would drop a record
the server never kept); a concurrent retry of the same record is a `duplicate`.

The batch was checked against its schema (schemas.BatchIn) before anything here runs; the
signatures are bound to the SHA-256 of the answers they saw (`content_sha256`).
"""

import hashlib
import json
import uuid as uuidlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from supervision.inspections import access, services
from supervision.inspections.models import Answer, Inspection, InspectionStatus, Photo, Signature, SyncRecord
from supervision.inspections.schemas import AnswerIn, RecordIn

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


def content_sha256(answers: list[AnswerIn]) -> str:
    """The SHA-256 of what the signers saw: every answer, note, severity and photo, by item.

    The field app computes the same digest (app.js `contentSha256`) when each signer signs:
    compact JSON of [item, value, note, severity, needs_rectification, photos] rows sorted by item.
    """
    rows = sorted([a.item, a.value, a.note, a.severity, a.needs_rectification, [str(p) for p in a.photos]]
                  for a in answers)
    text = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(record: RecordIn) -> str:
    """The whole record (without a teammate's password): a retry is the same bytes of meaning."""
    data = record.model_dump(mode="json")
    for signature in data["signatures"]:
        signature.pop("credential", None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def check_reach(user, records: list[RecordIn]) -> None:
    """Raise OutOfReach unless every record names an inspection on the user's teams (now or before)."""
    for record in records:
        pk = record.inspection
        if not access.team_inspections(user).filter(pk=pk).exists() and not access.was_on_team(user, pk):
            raise OutOfReach


def _earlier(client_uuid: str, record: RecordIn, digest: str) -> Result | None:
    """The answer to a UUID already stored: the same record is a duplicate, anything else a rejection."""
    done = SyncRecord.objects.filter(client_uuid=client_uuid).first()
    if done is None:
        return None
    if done.inspection_id != record.inspection:
        return Result(client_uuid, REJECTED, _("This record's identifier was already used for another inspection; "
                                               "it was not stored. Submit the record again."))
    if done.content_sha256 and done.content_sha256 != digest:
        return Result(client_uuid, REJECTED, _("This record's identifier was already used for a different record; "
                                               "it was not stored. Submit the record again."))
    return Result(client_uuid, DUPLICATE, _("Already received."))


def apply(user, record: RecordIn) -> Result:
    client_uuid, digest = str(record.uuid), fingerprint(record)
    earlier = _earlier(client_uuid, record, digest)
    if earlier is not None:
        return earlier
    inspection = access.team_inspections(user).filter(pk=record.inspection).first()
    if inspection is None:
        return Result(client_uuid, CONFLICT, _("This inspection was reassigned to other inspectors."))
    try:
        with transaction.atomic():
            inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
            # A concurrent retry of this very record may have stored it while this one waited for the lock.
            earlier = _earlier(client_uuid, record, digest)
            if earlier is not None:
                return earlier
            conflict = _conflict(inspection, record)
            if conflict:
                return Result(client_uuid, CONFLICT, conflict)
            _store(user, inspection, record)
            SyncRecord.objects.create(client_uuid=client_uuid, inspection=inspection, content_sha256=digest,
                                      official=access.official_of(user), status=STORED)
    except IntegrityError:
        # The same UUID stored concurrently by another request: that one counts.
        earlier = _earlier(client_uuid, record, digest)
        if earlier is not None:
            return earlier
        raise
    except ValidationError as e:
        return Result(client_uuid, REJECTED, " ".join(e.messages))
    except PermissionDenied:
        return Result(client_uuid, REJECTED, _("You may not change this inspection."))
    return Result(client_uuid, STORED, _("Received."))


def _conflict(inspection, record: RecordIn) -> str:
    if inspection.status == InspectionStatus.CANCELLED:
        return _("This inspection was cancelled.")
    if inspection.status == InspectionStatus.SUBMITTED:
        return _("The record of this inspection was already submitted from another device.")
    if record.revision != inspection.revision:
        return _("This inspection was changed on the server after you opened it (team, date or notice). "
                 "Reload it and check your answers.")
    return ""


def _store(user, inspection, record: RecordIn):
    services.start(user, inspection, at=record.started_at)
    services.record_answers(user, inspection, [a.model_dump(mode="json") for a in record.answers])
    _check_photos(inspection, record.answers)
    if record.position is not None:
        position = record.position
        services.record_position(user, inspection, latitude=position.latitude, longitude=position.longitude,
                                 accuracy_m=position.accuracy, at=position.at)
    team = {o.pk: o for o in inspection.team.select_related("user")}
    digest = content_sha256(record.answers)
    for raw in record.signatures:
        signer = team.get(raw.official) if raw.role == Signature.Role.INSPECTOR else None
        if raw.content_sha256 != digest:
            who = signer.name if signer is not None else (raw.name or _("the institution's representative"))
            raise ValidationError(_("The record was changed after %(name)s signed: ask %(name)s to sign again.")
                                  % {"name": who})
        image = services.decode_png(raw.image) if raw.method == Signature.Method.DRAWN else None
        services.sign(user, inspection, role=raw.role, name=raw.name, method=raw.method, image=image,
                      official=signer, at=raw.at, content_sha256=digest, credential=raw.credential)
    if record.finished_at:
        inspection.finished_at = record.finished_at
        inspection.save(update_fields=["finished_at"])
    if record.submit:
        services.submit_record(user, inspection)


def _check_photos(inspection, answers: list[AnswerIn]):
    """Photos named by answers must have arrived whole; a required photo must be there."""
    for raw in answers:
        item = inspection.checklist.item(raw.item)
        photos = [str(p) for p in raw.photos]
        found = Photo.objects.filter(inspection=inspection, client_uuid__in=photos)
        if found.count() != len(set(photos)) or found.filter(completed_at__isnull=True).exists():
            raise ValidationError(_("“%(item)s”: a photo has not finished uploading yet.") % {"item": item["title"]})
        found.exclude(item_code=item["code"]).update(item_code=item["code"])
        if raw.value == Answer.Compliance.NON_COMPLIANT and item.get("photo_required") and not photos:
            raise ValidationError(_("“%(item)s”: a photo is required for a non-compliant answer.") % {"item": item["title"]})
