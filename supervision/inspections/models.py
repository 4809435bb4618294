"""Inspections (现场检查) and their findings.

A draw links its targets to the inspections it creates (sampling), not the other way round.

An inspection is created by a spot-check draw, by a planner for a case check, or by a
filing verification; the field UI fills it in. Findings that need it start a
rectification (整改).
"""

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
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InspectionStatus.choices, default=InspectionStatus.SCHEDULED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

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

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["inspection", "id"]

    def __str__(self):
        return f"{self.item_title} ({self.severity})"
