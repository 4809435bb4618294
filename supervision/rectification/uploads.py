"""Evidence uploads: checked by content (supervision.core.uploads), up to RECTIFICATION_EVIDENCE_MAX_BYTES."""

from django.conf import settings

from supervision.core.uploads import DEFAULT_MAX_BYTES, Checked, check_document


def max_bytes() -> int:
    return getattr(settings, "RECTIFICATION_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


def check_evidence(upload) -> Checked:
    return check_document(upload, max_bytes())
