"""Password rules: Django's validators, the minimum length from settings (PASSWORD_MIN_LENGTH).

Django 5.2 changed the minimum-length message's text and its Simplified Chinese catalogue has not
followed, so that one message is this project's own (translated in locale/zh_Hans).
"""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                ngettext("This password is too short: it needs at least %(min_length)d character.",
                         "This password is too short: it needs at least %(min_length)d characters.",
                         self.min_length) % {"min_length": self.min_length},
                code="password_too_short",
                params={"min_length": self.min_length},
            )
