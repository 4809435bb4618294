"""Rectification (整改): the notice, the institution's report, re-checks, extensions, the event log.

Facts only. Which step comes next is the workflow's business (workflows/rectification); what
happened, and when, is recorded here. The public status of a notice is derived from these facts
(`RectificationNotice.status`), never stored beside them.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.core import clock
from supervision.core.models import Department
from supervision.inspections.models import Finding, Inspection, Severity
from supervision.registry.models import Institution

NOTICE_DOCUMENT_TYPE = "rectification-notice"  # DocumentType.code, created by migration 0002


def new_public_token() -> str:
    """The unguessable key of the public verification page (the QR code points to it)."""
    return secrets.token_urlsafe(24)


class DeadlineRule(models.Model):
    """Working days to rectify, per severity cell (A–L): the default and the inspector's range.

    Data, not code (DOMAIN.md §5 marks these numbers [S]): administrators edit them in the admin.
    """

    severity = models.CharField(_("severity"), max_length=1, choices=Severity.choices, unique=True)
    default_days = models.PositiveSmallIntegerField(_("default working days"))
    min_days = models.PositiveSmallIntegerField(_("fewest working days"))
    max_days = models.PositiveSmallIntegerField(_("most working days"))

    class Meta:
        verbose_name = _("rectification deadline rule")
        verbose_name_plural = _("rectification deadline rules")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_days__gte=1, min_days__lte=models.F("default_days"),
                            default_days__lte=models.F("max_days")),
                name="deadline_rule_range_holds_default",
            )
        ]

    def __str__(self):
        return f"{self.severity}: {self.default_days} ({self.min_days}–{self.max_days})"

    def clean(self):
        if None in (self.min_days, self.default_days, self.max_days):
            return
        if not (1 <= self.min_days <= self.default_days <= self.max_days):
            raise ValidationError(_("Need 1 ≤ fewest ≤ default ≤ most working days."))


class RecheckMethod(models.TextChoices):
    DOCUMENTS = "documents", _("Review of the documents submitted")  # 书面复查
    ON_SITE = "on_site", _("On-site re-check")  # 现场复查


class DeliveryMethod(models.TextChoices):
    SIGNED_ON_SITE = "signed_on_site", _("Signed for on site")  # 现场签收
    ACCOUNT = "account", _("Delivered to the institution's account")  # 电子送达


class NoticeStatus(models.TextChoices):
    """The public status, derived from the facts (see RectificationNotice.status)."""

    ISSUED = "issued", _("Issued, awaiting the institution's report")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted, awaiting re-check")
    RECHECK_FAILED = "recheck_failed", _("Re-check failed, rectification continues")
    RECHECK_PASSED = "recheck_passed", _("Re-check passed, awaiting closure")
    OVERDUE = "overdue", _("Overdue")
    ESCALATED = "escalated", _("Escalated to enforcement")
    CLOSED = "closed", _("Closed: rectified")


class DeadlineState(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    DUE_SOON = "due_soon", _("Due within 3 working days")
    OVERDUE = "overdue", _("Overdue")
    WITH_OFFICIALS = "with_officials", _("Report in: with the officials")
    FINISHED = "finished", _("Finished")


class NoticeQuerySet(models.QuerySet):
    def with_status(self, today=None):
        """Annotate `status_code`: the public status, in SQL (the one definition; see `status`).

        In order: closed; escalated; a submitted report not yet re-checked; the last re-check
        passed; past the deadline; the last re-check failed; otherwise issued.
        """
        today = today or clock.today()
        last_outcome = models.Subquery(
            ReCheck.objects.filter(notice=models.OuterRef("pk")).order_by("-pk").values("outcome")[:1]
        )
        awaiting_recheck = models.Exists(
            RectificationReport.objects.filter(
                notice=models.OuterRef("pk"), submitted_at__isnull=False, rechecks__isnull=True
            )
        )
        return self.alias(last_outcome=last_outcome).annotate(
            status_code=models.Case(
                models.When(closed_at__isnull=False, then=models.Value(NoticeStatus.CLOSED)),
                models.When(escalated_at__isnull=False, then=models.Value(NoticeStatus.ESCALATED)),
                models.When(awaiting_recheck, then=models.Value(NoticeStatus.REPORT_SUBMITTED)),
                models.When(last_outcome=RecheckOutcome.PASSED, then=models.Value(NoticeStatus.RECHECK_PASSED)),
                models.When(deadline__lt=today, then=models.Value(NoticeStatus.OVERDUE)),
                models.When(last_outcome=RecheckOutcome.FAILED, then=models.Value(NoticeStatus.RECHECK_FAILED)),
                default=models.Value(NoticeStatus.ISSUED),
                output_field=models.CharField(),
            )
        )


class RectificationNotice(models.Model):
    """责令限期整改通知书: a numbered order to correct one or more findings by a deadline."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="rectification_notices"
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="rectification_notices"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.ManyToManyField(Finding, verbose_name=_("findings"), through="NoticeItem", related_name="+")
    number = models.CharField(_("number"), max_length=60, unique=True)
    issued_at = models.DateTimeField(_("issued at"), default=clock.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    facts = models.TextField(_("facts found"))
    deadline = models.DateField(_("deadline"))
    deadline_provisional = models.BooleanField(
        _("deadline provisional"), default=False,
        help_text=_("Counted without the holiday schedule of a year not yet entered."),
    )
    working_days = models.PositiveSmallIntegerField(_("working days given"))
    # How the deadline as issued was counted. Later moves (an extension, a failed re-check) are
    # in the events with their own days, so a provisional deadline can be recounted link by link
    # once the missing calendar year is entered (deadlines.recount_deadline).
    deadline_basis = models.DateField(_("deadline counted from"))
    deadline_days = models.PositiveSmallIntegerField(_("working days counted"))
    recheck_method = models.CharField(
        _("re-check"), max_length=20, choices=RecheckMethod.choices, default=RecheckMethod.DOCUMENTS
    )
    # 送达: how and when the institution received the notice.
    delivery_method = models.CharField(_("delivery"), max_length=20, choices=DeliveryMethod.choices, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    received_by_name = models.CharField(
        _("signed for by"), max_length=50, blank=True, help_text=_("The institution's representative who signed.")
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("read by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("closed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["closed_at", "escalated_at", "deadline"], name="notice_open_deadline_idx")]

    def __str__(self):
        return self.number

    @property
    def is_open(self) -> bool:
        return self.closed_at is None and self.escalated_at is None

    def latest(self, related: str):
        """The newest report / re-check, from a prefetch when there is one."""
        rows = list(getattr(self, related).all())
        return max(rows, key=lambda r: r.pk) if rows else None

    @property
    def status(self) -> str:
        """The public status: from a `with_status()` row, else asked of the database (same rules)."""
        annotated = self.__dict__.get("status_code")
        if annotated is not None:
            return annotated
        return RectificationNotice.objects.with_status().values_list("status_code", flat=True).get(pk=self.pk)

    def get_status_display(self) -> str:
        return NoticeStatus(self.status).label


class NoticeItem(models.Model):
    """One finding the notice orders corrected, with the measures required (整改要求)."""

    notice = models.ForeignKey(RectificationNotice, on_delete=models.CASCADE, related_name="items")
    # A finding is ordered corrected once: a second notice for it would be a second deadline.
    finding = models.OneToOneField(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="notice_item"
    )
    measures_required = models.TextField(_("measures required"))

    class Meta:
        verbose_name = _("notice item")
        verbose_name_plural = _("notice items")
        ordering = ["notice", "finding_id"]

    def __str__(self):
        return f"{self.notice} · {self.finding}"


class RectificationReport(models.Model):
    """The institution's rectification report (整改报告) with a plan of correction.

    A draft until submitted: evidence files accepted on an earlier attempt stay with the draft.
    The five elements of a plan of correction follow DOMAIN.md §5.
    """

    notice = models.ForeignKey(RectificationNotice, on_delete=models.CASCADE, related_name="reports")
    created = models.DateTimeField(_("started"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    correction_for_affected = models.TextField(_("what was corrected for the residents affected"), blank=True)
    others_at_risk = models.TextField(_("how others at risk were identified"), blank=True)
    systemic_changes = models.TextField(_("systemic changes so it does not recur"), blank=True)
    monitoring = models.TextField(_("how the correction is monitored"), blank=True)
    completion_date = models.DateField(_("completion date"), null=True, blank=True)

    class Meta:
        verbose_name = _("rectification report")
        verbose_name_plural = _("rectification reports")
        ordering = ["notice", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice"], condition=Q(submitted_at__isnull=True), name="one_draft_report_per_notice"
            )
        ]

    def __str__(self):
        return f"{self.notice} · {self.pk}"


class ReportItem(models.Model):
    """The institution's answer for one finding (整改台账: measures, person responsible, date)."""

    report = models.ForeignKey(RectificationReport, on_delete=models.CASCADE, related_name="items")
    notice_item = models.ForeignKey(NoticeItem, on_delete=models.PROTECT, related_name="answers")
    measures_taken = models.TextField(_("measures taken"), blank=True)
    responsible_person = models.CharField(_("person responsible"), max_length=50, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("report item")
        verbose_name_plural = _("report items")
        ordering = ["report", "notice_item"]
        constraints = [models.UniqueConstraint(fields=["report", "notice_item"], name="one_answer_per_item")]


def _evidence_upload_to(instance, filename):
    """A random stored name: the original (often Chinese) name is kept in a field, not on disk."""
    import os
    import uuid

    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"rectification/{clock.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class EvidenceFile(models.Model):
    """A photo or PDF proving a correction; its type was checked by content on upload."""

    item = models.ForeignKey(ReportItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to=_evidence_upload_to)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["item", "id"]

    def __str__(self):
        return self.original_name


class RecheckOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed: back to the institution with a new deadline")
    ESCALATED = "escalated", _("Failed: escalate to enforcement")


class ReCheck(models.Model):
    """复查: the inspectors' verdict on one submitted report."""

    notice = models.ForeignKey(RectificationNotice, on_delete=models.CASCADE, related_name="rechecks")
    report = models.ForeignKey(RectificationReport, on_delete=models.PROTECT, related_name="rechecks")
    method = models.CharField(_("method"), max_length=20, choices=RecheckMethod.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=RecheckOutcome.choices)
    reasons = models.TextField(_("findings of the re-check"), blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)
    new_deadline_provisional = models.BooleanField(default=False)
    checked_at = models.DateTimeField(_("checked at"), default=clock.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("re-check")
        verbose_name_plural = _("re-checks")
        ordering = ["notice", "id"]


class ExtensionRequest(models.Model):
    """延期申请: the institution asks for more time; the head grants or refuses."""

    notice = models.ForeignKey(RectificationNotice, on_delete=models.CASCADE, related_name="extension_requests")
    requested_at = models.DateTimeField(_("requested at"), default=clock.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    extra_days = models.PositiveSmallIntegerField(_("extra working days asked for"))
    deadline_before = models.DateField(_("deadline before"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted = models.BooleanField(_("granted"), null=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    new_deadline = models.DateField(_("new deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["notice", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notice"], condition=Q(decided_at__isnull=True), name="one_pending_extension_per_notice"
            )
        ]


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Notice issued")
    DELIVERED = "delivered", _("Delivery recorded")
    READ = "read", _("Read by the institution")
    REPORT_SUBMITTED = "report_submitted", _("Report submitted")
    RECHECK_PASSED = "recheck_passed", _("Re-check passed")
    RECHECK_FAILED = "recheck_failed", _("Re-check failed")
    ESCALATED = "escalated", _("Escalated")
    EXTENSION_REQUESTED = "extension_requested", _("Extension requested")
    EXTENSION_GRANTED = "extension_granted", _("Extension granted")
    EXTENSION_REFUSED = "extension_refused", _("Extension refused")
    OVERDUE = "overdue", _("Deadline passed without a report")
    BLACKLIST_GROUND = "blacklist_ground", _("Blacklist ground 4: major fire hazard uncorrected past the deadline")
    CLOSED = "closed", _("Closed")


# Internal assessments for the department head, not shown to the institution or the public.
HEAD_ONLY_EVENTS = frozenset({EventKind.BLACKLIST_GROUND})

# Events that move the deadline after issue (shown as "原期限 … 延期至 …").
DEADLINE_EVENTS = (EventKind.EXTENSION_GRANTED, EventKind.RECHECK_FAILED)


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The rectification event log is append-only.")

    def delete(self):
        raise TypeError("The rectification event log is append-only.")


class RectificationEvent(models.Model):
    """Append-only log of what happened to a notice; the credit ledger reads it later."""

    notice = models.ForeignKey(RectificationNotice, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=30, choices=EventKind.choices, db_index=True)
    at = models.DateTimeField(_("time"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    # Plain facts for the ledger: the deadline concerned, severities, the finding ids …
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("rectification event")
        verbose_name_plural = _("rectification events")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.notice} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The rectification event log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The rectification event log is append-only.")
