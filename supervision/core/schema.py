"""Declared schemas for JSON bodies, checked before any service runs (issue 19).

Each JSON endpoint declares its body once as a pydantic model (strict types, lengths, ranges,
dates that exist) and reads it with `parse_body`. Whatever is wrong is answered in ONE shape,
a 400 naming the first field at fault:

    {"error": "invalid", "field": "records[0].answers[3].photos", "message": "…"}

The raw bytes go straight to pydantic's JSON parser, which refuses deep nesting with an error
instead of a RecursionError, and huge integers, NaN and wrong types by the declared types.
Messages go through gettext: the field app shows them to the inspector.
"""

import datetime as dt
from typing import Annotated

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

# Database ids are 64-bit; anything above is no id at all (and would overflow the query).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
# Dates a record can carry: a real calendar day in a plausible range (not 0001-01-01 or 9999-12-31).
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


class Schema(BaseModel):
    """Strict (no "4" for 4, no 1 for true), closed (unknown keys refused) and immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


def _moment(value: dt.datetime) -> dt.datetime:
    # A tablet's clock without an offset is taken as UTC (what toISOString sends anyway).
    value = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if not EARLIEST <= value < LATEST:
        raise PydanticCustomError("out_of_range", "out of range")
    return value


Moment = Annotated[dt.datetime, AfterValidator(_moment)]


def limited(setting: str):
    """A string of at most settings.<setting> characters (read when validating, so a deployment may set it)."""

    def check(value: str) -> str:
        limit = getattr(settings, setting)
        if len(value) > limit:
            raise PydanticCustomError("too_long", "too long", {"max_length": limit})
        return value

    return AfterValidator(check)


class Invalid(Exception):
    """A body that does not match its schema: `field` names where, `message` says what."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field, self.message = field, message

    def response(self) -> JsonResponse:
        return JsonResponse({"error": "invalid", "field": self.field, "message": self.message}, status=400)


def field_path(loc) -> str:
    """('records', 0, 'answers', 3, 'photos') → 'records[0].answers[3].photos'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "tagged-union", "lax-or-strict")):
            path += f".{part}" if path else str(part)
    return path


def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "extra_forbidden":
        return _("This field is not expected here.")
    if kind == "json_invalid":
        return _("The body is not readable JSON (or is nested too deeply).")
    if kind in ("string_too_long", "too_long"):
        limit = ctx.get("max_length")
        if limit is not None:
            return _("Too long: at most %(limit)s.") % {"limit": limit}
        return _("Too long for the announced limit.")
    if kind in ("string_too_short", "too_short"):
        return _("This may not be empty.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than", "finite_number",
                "out_of_range"):
        return _("This value is out of range.")
    if kind.startswith(("date", "datetime")) or kind in ("timezone_aware", "timezone_naive"):
        return _("Enter a date and time that exists (ISO 8601).")
    if kind.startswith("uuid"):
        return _("Enter a valid identifier (UUID).")
    if kind in ("literal_error", "enum"):
        return _("This value is not one of the choices.")
    if kind == "string_pattern_mismatch":
        return _("This value has the wrong format.")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_type", "float_parsing"):
        return _("Enter a number.")
    if kind == "string_type":
        return _("Enter text.")
    if kind == "bool_type":
        return _("Enter true or false.")
    if kind in ("list_type", "tuple_type"):
        return _("Enter a list.")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("Enter an object.")
    return _("This value is not valid.")


def parse_body(schema: type[BaseModel], raw: bytes):
    """The body as `schema`, or Invalid naming the first field at fault."""
    try:
        return schema.model_validate_json(raw or b"null")
    except ValidationError as e:
        error = e.errors(include_url=False)[0]
        raise Invalid(field_path(error["loc"]) or "body", _message(error)) from None


def parse_query(schema: type[BaseModel], query) -> BaseModel:
    """A GET query (a QueryDict, one value per key) as `schema` (which may convert "25" to 25),
    or Invalid naming the first field at fault."""
    try:
        return schema.model_validate({key: query.get(key) for key in query})
    except ValidationError as e:
        error = e.errors(include_url=False)[0]
        raise Invalid(field_path(error["loc"]) or "query", _message(error)) from None
