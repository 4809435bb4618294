"""Inspections (现场检查) and their findings.

A draw links its targets to the inspections it creates (sampling), not the other way round.

An inspection is created by a spot-check draw, by a planner for a case check, or by a
filing verification; the field UI fills it in. Findings that need it start a
rectification (整改).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.registry.models import Institution
from supervision.staff.models import Official


class InspectionKind(models.TextChoices):
    DAILY = "daily", _("Daily check")  # 日常检查
    SPECIAL = "special", _("Special check")  # 专项检查
    CASE = "case", _("Case check")  # 个案检查 (complaint or lead; unannounced)
    FILING = "filing", _("Filing verification")  # 备案核查
    FULL_COVERAGE = "full_coverage", _("Full-coverage check")  # 全覆盖检查


class InspectionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Record submitted")
    CANCELLED = "cancelled", _("Cancelled")


class NoticeDelivery(models.TextChoices):
    """How the 检查通知书 reached the institution."""

    IN_PERSON = "in_person", _("Handed over in person")
    POST = "post", _("By registered post")
    ELECTRONIC = "electronic", _("Electronically")
    ON_ARRIVAL = "on_arrival", _("Carried and shown on arrival")  # unannounced checks


class ReviewOutcome(models.TextChoices):
    """The head's optional review. The signed record is never re-opened (it bears the institution's
    signature): remarks are kept with it, and what they ask for is done by rectification or a new check."""

    APPROVED = "approved", _("Approved")
    REMARKS = "remarks", _("Returned with remarks")


NOTICE_DOCUMENT_TYPE = "inspection-notice"  # DocumentType.code of 检查通知书, created by migration 0003


class AnswerType(models.TextChoices):
    COMPLIANCE = "compliance", _("Compliant / non-compliant / not applicable")
    NUMBER = "number", _("Number")
    TEXT = "text", _("Text")


class ChecklistTemplate(models.Model):
    """One published version of a checklist (检查表), loaded from fixtures/checklists/*.json.

    ``content`` is the template as data: ``{"sections": [{"code", "title", "items": [{"code",
    "title", "legal_basis", "answer", "photo_required", "severity", "major_hazard",
    "fire_hazard"}]}]}``. A version is never edited after publication: an inspection keeps the
    exact version it started with (Inspection.checklist).
    """

    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    content = models.JSONField(_("content"))
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="checklist_code_version_unique")]

    def __str__(self):
        return f"{self.title} v{self.version}"

    def items(self):
        for section in self.content.get("sections", []):
            for item in section.get("items", []):
                yield section, item

    def item(self, code):
        return next((item for _section, item in self.items() if item["code"] == code), None)


class Inspection(models.Model):
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="inspections"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    # The department that leads the check; with the institution's region it decides who sees it.
    department = models.ForeignKey(
        "core.Department", verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="inspections"
    )
    team = models.ManyToManyField(Official, verbose_name=_("team"), related_name="inspections")
    announced = models.BooleanField(_("announced in advance"), default=True)
    # 个案检查: the complaint or lead that prompted the check (shown on the desk page and the record).
    case_reason = models.TextField(_("complaint or lead"), blank=True)
    # The desk form's one-time token (core/once.py): the same form posted twice creates one inspection.
    form_token = models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.SCHEDULED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    # The checklist version fixed when the team first opened the inspection; never changed after.
    checklist = models.ForeignKey(
        ChecklistTemplate, verbose_name=_("checklist"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="inspections",
    )
    # Bumped by every change made on the server (team, cancellation, schedule): the field app
    # sends the revision it worked from, and a stale one is answered as a conflict.
    revision = models.PositiveIntegerField(_("revision"), default=1)
    head_review = models.BooleanField(_("reviewed by the head"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    review_outcome = models.CharField(_("review outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    # 检查通知书: issued N working days ahead (settings.INSPECTION_NOTICE_WORKING_DAYS) unless
    # unannounced; an unannounced check's notice is carried and shown on arrival.
    notice_number = models.CharField(_("notice number"), max_length=60, blank=True)
    notice_date = models.DateField(_("notice date"), null=True, blank=True)
    notice_delivered_at = models.DateTimeField(_("notice delivered at"), null=True, blank=True)
    notice_delivery_method = models.CharField(_("notice delivered"), max_length=20, choices=NoticeDelivery.choices,
                                              blank=True)
    notice_received_by = models.CharField(_("notice received by"), max_length=60, blank=True)
    # The institution's representative (被检查单位代表) signs the record, or refuses (noted).
    representative_name = models.CharField(_("institution representative"), max_length=60, blank=True)
    representative_refused = models.BooleanField(_("representative refused to sign"), default=False)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    position_accuracy_m = models.FloatField(_("position accuracy (m)"), null=True, blank=True)
    position_at = models.DateTimeField(_("position taken at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished on site at"), null=True, blank=True)
    # 一公开: the result is published within N working days of the check (20 by default).
    publicity_deadline = models.DateField(_("publicity deadline"), null=True, blank=True)
    publicity_deadline_provisional = models.BooleanField(_("publicity deadline provisional"), default=False)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["status", "scheduled_for"], name="inspection_status_date_idx")]

    def __str__(self):
        return f"{self.institution} · {self.get_kind_display()}"


class Severity(models.TextChoices):
    """Scope × severity grid (DOMAIN.md §5): rows of harm, columns isolated/pattern/widespread."""

    A = "A", _("A: no actual harm, minimal potential, isolated")
    B = "B", _("B: no actual harm, minimal potential, pattern")
    C = "C", _("C: no actual harm, minimal potential, widespread")
    D = "D", _("D: potential for more than minimal harm, isolated")
    E = "E", _("E: potential for more than minimal harm, pattern")
    F = "F", _("F: potential for more than minimal harm, widespread")
    G = "G", _("G: actual harm, isolated")
    H = "H", _("H: actual harm, pattern")
    I = "I", _("I: actual harm, widespread")  # noqa: E741
    J = "J", _("J: immediate jeopardy, isolated")
    K = "K", _("K: immediate jeopardy, pattern")
    L = "L", _("L: immediate jeopardy, widespread")


class Finding(models.Model):
    """One problem found on an inspection (检查发现的问题)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE, related_name="findings"
    )
    item_code = models.CharField(_("checklist item"), max_length=50, blank=True)
    item_title = models.CharField(_("item"), max_length=200)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    description = models.TextField(_("description"))
    severity = models.CharField(_("severity"), max_length=1, choices=Severity.choices)
    major_hazard = models.BooleanField(
        _("major accident hazard"), default=False,
        help_text=_("An item of 养老机构重大事故隐患判定标准; at least immediate jeopardy."),
    )
    fire_hazard = models.BooleanField(_("fire hazard"), default=False)
    needs_rectification = models.BooleanField(_("needs rectification"), default=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    # A finding recorded at the desk: its form's one-time token (core/once.py), against double posts.
    form_token = models.UUIDField(_("form token"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "id"]

    def __str__(self):
        return f"{self.item_title} ({self.severity})"


class TeamChange(models.Model):
    """An official taken off an inspection's team: their pending field records become conflicts."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team_changes")
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="+")
    removed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team change")
        verbose_name_plural = _("team changes")


class Answer(models.Model):
    """The answer to one checklist item on one inspection."""

    class Compliance(models.TextChoices):
        COMPLIANT = "compliant", _("Compliant")
        NON_COMPLIANT = "non_compliant", _("Non-compliant")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="answers")
    item_code = models.CharField(_("checklist item"), max_length=50)
    value = models.CharField(_("answer"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    severity = models.CharField(_("severity"), max_length=1, choices=Severity.choices, blank=True)
    needs_rectification = models.BooleanField(_("needs rectification"), default=True)
    answered_by = models.ForeignKey(Official, verbose_name=_("answered by"), on_delete=models.PROTECT,
                                    related_name="+", null=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["inspection", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item_code"], name="answer_item_unique")]


def _photo_path(photo, filename):
    return f"inspections/{photo.inspection_id}/photos/{photo.client_uuid}.jpg"


class Photo(models.Model):
    """An evidence photo, uploaded in pieces (resumable) and verified by SHA-256 at the end."""

    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="photos")
    item_code = models.CharField(_("checklist item"), max_length=50, blank=True)
    finding = models.ForeignKey(Finding, verbose_name=_("finding"), on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="photos")
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    received = models.PositiveIntegerField(_("bytes received"), default=0)
    file = models.FileField(_("file"), upload_to=_photo_path, blank=True)
    uploaded_by = models.ForeignKey(Official, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["inspection", "id"]

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


def _signature_path(signature, filename):
    return f"inspections/{signature.inspection_id}/signatures/{signature.role}-{signature.pk or 'new'}.png"


class Signature(models.Model):
    """A signature on the record: each inspector's, and the representative's (or a refusal)."""

    class Role(models.TextChoices):
        INSPECTOR = "inspector", _("Inspector")
        REPRESENTATIVE = "representative", _("Institution representative")

    class Method(models.TextChoices):
        DRAWN = "drawn", _("Drawn on the pad")
        CONFIRMED = "confirmed", _("Confirmed by tapping (no drawing)")
        REFUSED = "refused", _("Refused to sign")

    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="signatures")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    official = models.ForeignKey(Official, verbose_name=_("official"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    image = models.FileField(_("image"), upload_to=_signature_path, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    # The SHA-256 of the record's content the signer saw (sync.content_sha256): the mark binds it.
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    # A teammate who confirmed without drawing, on another's tablet, by their own password.
    confirmed_with_credentials = models.BooleanField(_("confirmed with own credentials"), default=False)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["inspection", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "official"], condition=models.Q(role="inspector"),
                                    name="signature_one_per_inspector"),
            models.UniqueConstraint(fields=["inspection"], condition=models.Q(role="representative"),
                                    name="signature_one_representative"),
        ]


class SyncRecord(models.Model):
    """One record the field app sent, by its client-made UUID: a retry gets the stored answer."""

    client_uuid = models.UUIDField(_("client UUID"), unique=True)
    inspection = models.ForeignKey(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                   related_name="sync_records")
    official = models.ForeignKey(Official, verbose_name=_("sent by"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20)
    message = models.TextField(_("message"), blank=True)
    # The record's fingerprint (sync.fingerprint): the same UUID with other content is no retry.
    content_sha256 = models.CharField(_("content SHA-256"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sync record")
        verbose_name_plural = _("sync records")
