"""Builders for concerns from the public: one received through the service, with a photo."""

import uuid

from supervision.concerns import services
from tests.builders.listings import photo


def concern(institution, text="夜里护理员不在岗，老人按铃无人应答。", address=None):
    made, _created = services.submit_concern(
        institution=institution, text=text, contact="13800138000", photos=[(photo(), "image/png")],
        form_token=uuid.uuid4(), address=address or uuid.uuid4().hex)  # each its own sender: no cap
    return made
