from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from supervision.registry.creditcode import credit_code_problem


def credit_code_message(code: str) -> str | None:
    problem = credit_code_problem(code)
    if problem is None:
        return None
    key, details = problem
    if key == "length":
        return _("A credit code has 18 characters; this one has %(length)d.") % details
    if key == "characters":
        return _("A credit code cannot contain: %(characters)s (I, O, S, V, Z and lower-case letters are not used).") % details
    if key == "division":
        return _("Characters 3 to 8 of a credit code must be the six digits of an administrative division code.")
    return _("The check character is %(found)s but should be %(expected)s: the code has a typing error.") % details


def validate_credit_code(value: str) -> None:
    message = credit_code_message(value)
    if message:
        raise ValidationError(message, code="invalid_credit_code")
