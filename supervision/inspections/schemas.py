"""The field app's JSON bodies, declared once (sync batch, photo upload), checked before any service.

Types, lengths and ranges are here; what depends on the inspection (its checklist's items, its
team, its state) is checked by the services. Limits that a deployment may change are settings
(FIELD_MAX_*), announced to the tablet in /field/api/inspections/ (`limits`).
"""

from typing import Annotated, Literal
from uuid import UUID

from django.conf import settings
from pydantic import Field, field_validator
from pydantic_core import PydanticCustomError

from supervision.core.schema import Id, Moment, Schema, limited

MAX_BATCH = 50
MAX_ANSWERS = 1000  # far above any checklist; the checklist itself decides which items exist
MAX_VALUE_CHARS = 500
MAX_NAME_CHARS = 60
MAX_SIGNATURES = 20
MAX_SIGNATURE_DATA_URL_CHARS = 420_000  # a 300 KB PNG in base64, with its prefix
MAX_CREDENTIAL_CHARS = 128
MAX_CHUNK_BYTES = 256 * 1024

ItemCode = Annotated[str, Field(min_length=1, max_length=50)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Severity = Literal["", "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L"]


def _at_most(setting: str):
    def check(value: list) -> list:
        limit = getattr(settings, setting)
        if len(value) > limit:
            raise PydanticCustomError("too_long", "too many", {"max_length": limit})
        return value

    return check


class AnswerIn(Schema):
    item: ItemCode
    value: Annotated[str, Field(max_length=MAX_VALUE_CHARS)] = ""
    note: Annotated[str, limited("FIELD_MAX_NOTE_CHARS")] = ""
    severity: Severity = ""
    needs_rectification: bool = True
    photos: list[UUID] = []

    _photos = field_validator("photos")(_at_most("FIELD_MAX_PHOTOS_PER_ITEM"))


class PositionIn(Schema):
    latitude: Annotated[float, Field(ge=-90, le=90)]
    longitude: Annotated[float, Field(ge=-180, le=180)]
    accuracy: Annotated[float, Field(ge=0, le=1_000_000)]
    at: Moment | None = None


class SignatureIn(Schema):
    role: Literal["inspector", "representative"]
    official: Id | None = None
    name: Annotated[str, Field(max_length=MAX_NAME_CHARS)] = ""
    method: Literal["drawn", "confirmed", "refused"]
    image: Annotated[str, Field(max_length=MAX_SIGNATURE_DATA_URL_CHARS)] | None = None
    at: Moment | None = None
    # The SHA-256 of the record's content the signer saw (sync.content_sha256): binds the mark.
    content_sha256: Sha256 | None = None
    # A teammate confirming without drawing proves it is them: their own password, checked on sync.
    credential: Annotated[str, Field(max_length=MAX_CREDENTIAL_CHARS)] | None = None


class RecordIn(Schema):
    uuid: UUID
    inspection: Id
    revision: Annotated[int, Field(ge=0, le=2**31 - 1)]
    started_at: Moment | None = None
    finished_at: Moment | None = None
    position: PositionIn | None = None
    answers: Annotated[list[AnswerIn], Field(max_length=MAX_ANSWERS)]
    signatures: Annotated[list[SignatureIn], Field(max_length=MAX_SIGNATURES)] = []
    submit: bool = True


class BatchIn(Schema):
    records: Annotated[list[RecordIn], Field(max_length=MAX_BATCH)]


class PhotoBeginIn(Schema):
    uuid: UUID
    inspection: Id
    item: Annotated[str, Field(max_length=50)] = ""  # "" while not yet attached to an item
    size: Annotated[int, Field(ge=1)]
    sha256: Sha256
    taken_at: Moment | None = None

    @field_validator("size")
    @classmethod
    def _size(cls, value: int) -> int:
        if value > settings.FIELD_MAX_PHOTO_BYTES:
            raise PydanticCustomError("out_of_range", "too large")
        return value


def limits() -> dict:
    """What the tablet is told, to warn before the inspector leaves the institution."""
    return {
        "note_chars": settings.FIELD_MAX_NOTE_CHARS, "value_chars": MAX_VALUE_CHARS,
        "name_chars": MAX_NAME_CHARS,
        "photos_per_inspection": settings.FIELD_MAX_PHOTOS_PER_INSPECTION,
        "photos_per_item": settings.FIELD_MAX_PHOTOS_PER_ITEM,
        "photo_bytes": settings.FIELD_MAX_PHOTO_BYTES,
    }
