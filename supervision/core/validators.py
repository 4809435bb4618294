from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()\-]{5,24}$",
    _("Enter a telephone number: digits, optionally with +, spaces, hyphens or brackets."),
    code="invalid_phone",
)
