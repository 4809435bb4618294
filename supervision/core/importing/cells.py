"""Cell parsers: text to a value, or a CellError whose message says what is wrong with the cell."""

import datetime
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision.core.importing.columns import RowCheck
from supervision.core.importing.problems import CellError


def text_up_to(limit: int) -> Callable[[str], str]:
    def parse(text):
        if len(text) > limit:
            raise CellError(_("Too long: at most %(limit)d characters, this has %(length)d.") % {
                "limit": limit, "length": len(text)})
        return text

    return parse


def model_text(model, name: str) -> Callable[[str], str]:
    return text_up_to(model._meta.get_field(name).max_length)


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    return value


def whole_number(maximum: int) -> Callable[[str], int]:
    def parse(text):
        value = _number(text)
        if value != value.to_integral_value():
            raise CellError(_("Give a whole number, not %(value)s.") % {"value": text})
        if value < 0:
            raise CellError(_("Cannot be negative."))
        if value > maximum:
            raise CellError(_("At most %(maximum)d.") % {"maximum": maximum})
        return int(value)

    return parse


def decimal_between(minimum: int, maximum: int, places: int) -> Callable[[str], Decimal]:
    def parse(text):
        value = _number(text)
        if not minimum <= value <= maximum:
            raise CellError(
                _("Must lie between %(minimum)s and %(maximum)s.") % {"minimum": minimum, "maximum": maximum}
            )
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    return parse


_SCIENTIFIC = re.compile(r"^[+-]?\d(?:\.\d+)?E\+?\d+$", re.IGNORECASE)


def lost_digits(text: str) -> bool:
    """A long number Excel stored as a number: written like 9.13101E+17, its last digits are gone."""
    return bool(_SCIENTIFIC.match(text))


def lookup_key(text: str) -> str:
    return "".join(str(text).split()).lower()


def choice(names: dict[str, tuple[str, ...]], choices) -> Callable[[str], str]:
    """Accept the Chinese names in ``names``, the stored value, or the label in the current language."""

    accepted = {lookup_key(str(label)): value for value, label in choices}
    accepted.update({lookup_key(value): value for value in names})
    accepted.update({lookup_key(alias): value for value, aliases in names.items() for alias in aliases})

    def parse(text):
        value = accepted.get(lookup_key(text))
        if value is None:
            raise CellError(_("“%(value)s” is not an accepted value; use one of: %(accepted)s.") % {
                "value": text, "accepted": "、".join(aliases[0] for aliases in names.values())})
        return value

    return parse


def parse_date(text: str) -> datetime.date:
    cleaned = re.sub(r"[年月/.]", "-", text.replace("日", "")).strip("-")
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    raise CellError(_("“%(value)s” is not a date; write it as 2027-12-31.") % {"value": text})


def split_list(text: str) -> list[str]:
    return [part for part in re.split(r"[,，、;；/\s]+", text) if part]


def model_problems(check: RowCheck, instance, field_columns: dict[str, str], exclude=()) -> None:
    """Run the model's own field validators and clean() as a last net; report on the matching column.

    Fields whose cell is already reported, or whose column the file lacks, are left out: each
    problem is listed once.
    """
    skipped = {name for name, key in field_columns.items()
               if name != "__all__" and (key in check.failed or not check.layout.has(key))}
    try:
        instance.full_clean(exclude=list(skipped | set(exclude)), validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            key = field_columns.get(name, field_columns["__all__"])
            for message in messages:
                check.fail(key, message)

