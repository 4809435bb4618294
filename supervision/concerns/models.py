"""Concerns from the public (投诉举报): what a visitor reports about an institution, without a login.

A concern reaches the civil-affairs department that supervises the institution (谁主管谁监管),
is followed by its tracking code on a public page that shows only its status, may become the lead
of a case check (个案检查), and once verified writes a credit event (投诉查实).

What the person typed, their contact and photos are never public; the address they wrote from is
kept only as a keyed hash, to count the daily cap.
"""

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core import clock


class ConcernStatus(models.TextChoices):
    RECEIVED = "received", _("Received")  # 已受理
    # Shown to the public as "being handled" (办理中), never as a check to come: a case check is unannounced.
    UNDER_INSPECTION = "under_inspection", _("Being handled")
    VERIFIED = "verified", _("Verified")  # 查实
    NOT_VERIFIED = "not_verified", _("Not verified")  # 未查实


DECIDED = (ConcernStatus.VERIFIED, ConcernStatus.NOT_VERIFIED)


class Concern(models.Model):
    institution = models.ForeignKey(
        "registry.Institution", verbose_name=_("institution"), on_delete=models.PROTECT, related_name="concerns")
    department = models.ForeignKey(
        "core.Department", verbose_name=_("supervising department"), on_delete=models.PROTECT,
        related_name="concerns")
    text = models.TextField(_("what happened"))
    contact = models.CharField(_("contact (optional)"), max_length=100, blank=True)
    tracking_code = models.CharField(_("tracking code"), max_length=24, unique=True, editable=False)
    # The form's one-time token (core/once.py): the same form posted twice makes one concern.
    form_token = models.UUIDField(_("form token"), unique=True, editable=False)
    # A keyed hash of the sender's address (never the address): the daily cap counts by it.
    sender_key = models.CharField(_("sender key"), max_length=64, editable=False)
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"))
    status = models.CharField(_("status"), max_length=20, choices=ConcernStatus.choices,
                              default=ConcernStatus.RECEIVED)
    # The case check it became the lead of; that inspection keeps the reason (Inspection.case_reason).
    inspection = models.OneToOneField(
        "inspections.Inspection", verbose_name=_("case check"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="concern")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+")
    decision_note = models.TextField(_("grounds of the decision"), blank=True)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["sender_key", "received_on"], name="concern_sender_day_idx"),
            models.Index(fields=["institution", "received_on"], name="concern_institution_day_idx"),
            models.Index(fields=["department", "status", "received_at"], name="concern_inbox_idx"),
        ]

    def __str__(self):
        return f"{self.tracking_code} ({self.institution})"

    @property
    def decided(self) -> bool:
        return self.status in DECIDED


def _photo_path(instance, filename):
    """A random stored name: nothing of what the sender called the file reaches the disk."""
    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"concerns/{clock.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ConcernPhoto(models.Model):
    concern = models.ForeignKey(Concern, verbose_name=_("concern"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=_photo_path)
    content_type = models.CharField(_("content type"), max_length=40)

    class Meta:
        verbose_name = _("concern photo")
        verbose_name_plural = _("concern photos")
