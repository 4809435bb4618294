"""Desk forms that create something are safe against double submission (issue 19).

Each such form carries a one-time token, made when the form is shown. The object it creates
stores the token in a unique column (`form_token`), so the same form posted twice (a double
click, a reload, a retry after a lost answer) creates the object once: the second post finds
it, even when both arrive at the same moment (the database refuses the second insert).
"""

import uuid

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _


def token_field() -> forms.UUIDField:
    """The hidden one-time token; kept when the form is shown again with errors."""
    return forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4,
                           error_messages={"required": _("This form has expired: reload the page and send it again."),
                                           "invalid": _("This form has expired: reload the page and send it again.")})


def create_once(model, token, create):
    """(object, created): the object `create()` makes, or the one an earlier post with `token` made.

    `create` runs in a transaction and must store `token` in `model.form_token`.
    """
    earlier = model.objects.filter(form_token=token).first()
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        earlier = model.objects.filter(form_token=token).first()
        if earlier is None:
            raise
        return earlier, False
