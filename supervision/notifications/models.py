"""In-app notifications (站内通知): one row per recipient, marked read when seen."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    NOTICE_ISSUED = "notice_issued", _("Rectification notice issued")
    REPORT_SUBMITTED = "report_submitted", _("Rectification report submitted")
    RECHECK_DUE = "recheck_due", _("Re-check due")
    RECHECK_FAILED = "recheck_failed", _("Re-check failed")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_DECIDED = "extension_decided", _("Extension decided")
    OVERDUE = "overdue", _("Rectification overdue")
    BLACKLIST_GROUND = "blacklist_ground", _("Blacklist ground to consider")
    CLOSURE_DUE = "closure_due", _("Closure to approve")
    CLOSED = "closed", _("Rectification closed")
    CONCERN_RECEIVED = "concern_received", _("Concern from the public")
    APPROVAL_REQUESTED = "approval_requested", _("Spot-check plan to approve")
    PLAN_RETURNED = "plan_returned", _("Spot-check plan returned")
    DRAW_INFEASIBLE = "draw_infeasible", _("Draw could not be staffed")
    INSPECTION_ASSIGNED = "inspection_assigned", _("Inspection assigned to you")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "created"], name="notification_inbox_idx")]

    def __str__(self):
        return self.text
