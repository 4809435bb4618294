"""The credit ledger (信用事件), the rule sets that score it, and the grades they gave.

Facts only, appended: a credit event is written by the service that records the fact it comes
from, in the same transaction; a correction is a new event that reverses an old one. Nothing
here is updated or deleted (the models refuse it; on PostgreSQL a trigger refuses it too,
migration 0002). The score itself is `credit/scoring.py`, a pure function of these rows.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.core import clock
from supervision.core.models import Department
from supervision.registry.models import Institution

from . import scoring


class CreditEventKind(models.TextChoices):
    FINDING = "finding", _("Inspection finding")
    INSPECTION_WITHOUT_FINDINGS = "inspection_without_findings", _("Inspection without findings")
    RECTIFIED_ON_TIME = "rectified_on_time", _("Rectification closed on time")
    RECTIFIED_LATE = "rectified_late", _("Rectification closed late")
    RECHECK_FAILED = "recheck_failed", _("Rectification failed at re-check")
    RECTIFICATION_OVERDUE = "rectification_overdue", _("Rectification overdue")
    COMMITMENT_BROKEN = "commitment_broken", _("Commitment item broken")  # 违反信用承诺
    FALSE_FILING = "false_filing", _("False filing materials")  # 虚假备案材料
    PENALTY = "penalty", _("Administrative penalty")  # 行政处罚
    INSPECTION_REFUSED = "inspection_refused", _("Inspection refused or obstructed")  # 拒绝、阻碍检查
    COMPLAINT_VERIFIED = "complaint_verified", _("Verified complaint")  # 投诉查实
    COMMENDATION = "commendation", _("Commendation")  # 表彰
    GRADING_LEVEL = "grading_level", _("Grading level")  # 等级评定
    BLACKLIST_ENTRY = "blacklist_entry", _("Blacklist entry")  # 列入失信名单
    BLACKLIST_REMOVAL = "blacklist_removal", _("Blacklist removal")  # 移出失信名单


class BreachClass(models.TextChoices):
    """国办发〔2025〕22号: the class sets how long an event counts."""

    MINOR = scoring.MINOR, _("Minor")  # 轻微
    GENERAL = scoring.GENERAL, _("General")  # 一般
    SERIOUS = scoring.SERIOUS, _("Serious")  # 严重


class LedgerQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The credit ledger is append-only.")

    def delete(self):
        raise TypeError("The credit ledger is append-only.")


class CreditEvent(models.Model):
    """One credit-relevant fact about an institution, linked to the record it comes from."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="credit_events"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=CreditEventKind.choices)
    # The severity cell A–L of a finding, the level 1–5 of a grading; empty otherwise.
    cell = models.CharField(_("cell"), max_length=2, blank=True)
    breach_class = models.CharField(_("class"), max_length=10, choices=BreachClass.choices)
    decided_on = models.DateField(_("date of the decision"))
    recorded_at = models.DateTimeField(_("recorded at"), default=clock.now)
    # No cascade and no constraint: the ledger is never rewritten (see AuditEntry.actor).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    recorded_by_name = models.CharField(_("recorded by (name)"), max_length=150)
    source_type = models.ForeignKey(
        ContentType, verbose_name=_("source type"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    reverses = models.OneToOneField(
        "self", verbose_name=_("reverses"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="reversal",
    )
    note = models.TextField(_("note"), blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["institution", "decided_on", "id"]
        indexes = [
            models.Index(fields=["institution", "decided_on"], name="credit_event_institution_idx"),
            models.Index(fields=["source_type", "source_id"], name="credit_event_source_idx"),
        ]
        constraints = [
            # A retry never records the same fact twice.
            models.UniqueConstraint(
                fields=["kind", "source_type", "source_id"], condition=Q(reverses__isnull=True),
                name="credit_event_once_per_source",
            ),
        ]

    def __str__(self):
        return f"{self.institution} · {self.get_kind_display()} {self.cell} ({self.decided_on})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The credit ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The credit ledger is append-only.")

    def as_scoring_event(self) -> scoring.Event:
        return scoring.Event(self.pk, self.kind, self.decided_on, self.breach_class, self.cell, self.reverses_id)


class RuleSet(models.Model):
    """One version of a scoring scheme (评分规则), in force from its effective date.

    ``code`` names the scheme ("default", "cms"); a new version is a new row, never an edit, so
    every stored grade names the exact rules that made it.
    """

    code = models.SlugField(_("scheme"), max_length=30)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    effective_from = models.DateField(_("effective from"))
    base = models.DecimalField(_("base score"), max_digits=5, decimal_places=2)
    # {kind: {cell or "": points}}; negative deducts.
    points = models.JSONField(_("points"))
    # {"minor": 3, "general": 12, "serious": 36}
    window_months = models.JSONField(_("months each class counts"))
    decay = models.BooleanField(_("points decay inside the window"), default=False)
    # [{"grade": "A", "low": "90", "high": "100"}, …]
    bands = models.JSONField(_("grade bands"))
    blacklist_grade = models.CharField(_("grade when blacklisted"), max_length=10, blank=True, default="D")
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("credit rule set")
        verbose_name_plural = _("credit rule sets")
        ordering = ["code", "-effective_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="rule_set_version_once")]

    def __str__(self):
        return f"{self.name} v{self.version} ({self.effective_from})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("A rule set is never edited: save a new version.")
        super().save(*args, **kwargs)

    def as_rules(self) -> scoring.RuleSet:
        from decimal import Decimal

        return scoring.RuleSet(
            name=self.code, version=self.version, effective_from=self.effective_from, base=Decimal(self.base),
            points={k: {c: Decimal(str(p)) for c, p in cells.items()} for k, cells in self.points.items()},
            window_months=dict(self.window_months), decay=self.decay,
            bands=tuple(scoring.Band(b["grade"], Decimal(str(b["low"])), Decimal(str(b["high"]))) for b in self.bands),
            blacklist_grade=self.blacklist_grade or None,
        )


class GradeChoices(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"
    UNRATED = scoring.UNRATED, _("Unrated")


class CreditStanding(models.Model):
    """The current score and grade of an institution under one scheme (one row each)."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="credit_standings"
    )
    code = models.SlugField(_("scheme"), max_length=30)
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=10, choices=GradeChoices.choices)
    graded_on = models.DateField(_("graded on"))  # the day the grade was evaluated for
    grade_since = models.DateField(_("grade since"))  # the first day of this grade
    computed_at = models.DateTimeField(_("computed at"), default=clock.now)

    class Meta:
        verbose_name = _("credit standing")
        verbose_name_plural = _("credit standings")
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="one_standing_per_scheme")]
        indexes = [models.Index(fields=["code", "grade_since"], name="credit_standing_since_idx")]


class CreditGrade(models.Model):
    """The grade history: a row each time an institution's score or grade changed under a scheme."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="credit_grades"
    )
    rule_set = models.ForeignKey(RuleSet, verbose_name=_("rule set"), on_delete=models.PROTECT, related_name="grades")
    code = models.SlugField(_("scheme"), max_length=30)
    graded_on = models.DateField(_("graded on"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    grade = models.CharField(_("grade"), max_length=10, choices=GradeChoices.choices)
    previous_grade = models.CharField(_("previous grade"), max_length=10, blank=True)
    computed_at = models.DateTimeField(_("computed at"), default=clock.now)

    class Meta:
        verbose_name = _("credit grade")
        verbose_name_plural = _("credit grades")
        ordering = ["institution", "-graded_on", "-id"]
        indexes = [models.Index(fields=["institution", "code", "graded_on"], name="credit_grade_history_idx")]

    def __str__(self):
        return f"{self.institution} {self.grade} ({self.graded_on})"
