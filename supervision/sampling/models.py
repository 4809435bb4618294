"""Double-random spot checks (双随机、一公开): the check-item list, plans, approvals and draws.

The draw itself is ``engine.py`` (pure Python); ``services.py`` loads its inputs, stores what it
decided and publishes it. A plan's facts live here; what happens next lives in its process
(workflows/spot_check).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Department, DepartmentKind, Region
from supervision.registry.models import CreditClass, Institution, InstitutionKind
from supervision.staff.models import Official, Specialty

# Yuexiu's ratios (DOMAIN.md §2), editable per plan; unrated institutions count as class B.
DEFAULT_RATIO_PERCENT = {"A": Decimal("5"), "B": Decimal("15"), "C": Decimal("30"), "D": Decimal("50")}
CREDIT_CLASSES = ("A", "B", "C", "D")


class CheckItem(models.Model):
    """One line of the check-item list (抽查事项清单): what is checked, by whom, on what basis."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("item"), max_length=200)
    lead_department_kind = models.CharField(
        _("lead department"), max_length=30, choices=DepartmentKind.choices,
        help_text=_("The kind of department that leads checks of this item."),
    )
    legal_basis = models.TextField(_("legal basis"))
    method = models.CharField(_("method"), max_length=200)
    frequency = models.CharField(_("frequency"), max_length=200)
    specialty = models.ForeignKey(
        Specialty, verbose_name=_("specialty needed in the team"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("A team checking this item must include an inspector holding this specialty."),
    )
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("check item")
        verbose_name_plural = _("check-item list")
        ordering = ["code"]

    def __str__(self):
        return self.title


class CheckKind(models.TextChoices):
    # The same codes as inspections.InspectionKind: the inspections a draw creates carry them.
    DAILY = "daily", _("Daily check")  # 日常检查
    SPECIAL = "special", _("Special check")  # 专项检查


class SamplingMode(models.TextChoices):
    RANDOM = "random", _("Random sample by credit class")  # 双随机抽取
    FULL = "full_coverage", _("Full coverage")  # 全覆盖


def _percent_field(label, default):
    return models.DecimalField(
        label, max_digits=5, decimal_places=2, default=default,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


class SpotCheckPlan(models.Model):
    """A spot-check plan (抽查计划) of a lead department, possibly joint with others (部门联合)."""

    name = models.CharField(_("name"), max_length=150)
    department = models.ForeignKey(
        Department, verbose_name=_("lead department"), on_delete=models.PROTECT, related_name="spot_check_plans"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("scope: region"), on_delete=models.PROTECT, related_name="+",
        help_text=_("Institutions in this region (and below it) are candidates."),
    )
    institution_kinds = models.JSONField(_("scope: institution kinds"), default=list)
    check_kind = models.CharField(_("check kind"), max_length=20, choices=CheckKind.choices, default=CheckKind.DAILY)
    items = models.ManyToManyField(CheckItem, verbose_name=_("check items"), related_name="plans")
    participating_departments = models.ManyToManyField(
        Department, verbose_name=_("participating departments"), blank=True, related_name="joint_spot_check_plans",
        help_text=_("Other departments of a joint check; the head of each must approve the plan."),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=SamplingMode.choices, default=SamplingMode.RANDOM)
    ratio_a = _percent_field(_("ratio for class A (%)"), DEFAULT_RATIO_PERCENT["A"])
    ratio_b = _percent_field(_("ratio for class B (%)"), DEFAULT_RATIO_PERCENT["B"])
    ratio_c = _percent_field(_("ratio for class C (%)"), DEFAULT_RATIO_PERCENT["C"])
    ratio_d = _percent_field(_("ratio for class D (%)"), DEFAULT_RATIO_PERCENT["D"])
    unrated_as = models.CharField(
        _("unrated institutions count as class"), max_length=1, default="B",
        choices=[(c, c) for c in CREDIT_CLASSES],
    )
    team_size = models.PositiveSmallIntegerField(
        _("inspectors per team"), default=2, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )
    max_targets_per_inspector = models.PositiveSmallIntegerField(
        _("most targets per inspector"), default=5, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # Each submission opens a new round of approvals; a return ends the round.
    round = models.PositiveSmallIntegerField(_("approval round"), default=0)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("spot-check plan")
        verbose_name_plural = _("spot-check plans")
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period cannot end before it starts.")})
        unknown = set(self.institution_kinds or []) - set(InstitutionKind.values)
        if unknown or not self.institution_kinds:
            raise ValidationError({"institution_kinds": _("Choose at least one institution kind.")})

    def ratio_percents(self) -> dict[str, Decimal]:
        return {"A": self.ratio_a, "B": self.ratio_b, "C": self.ratio_c, "D": self.ratio_d}

    def plan_departments(self) -> list[Department]:
        """The lead department first, then the other participating ones by name."""
        others = [d for d in self.participating_departments.order_by("name") if d.pk != self.department_id]
        return [self.department, *others]

    def other_departments(self) -> list[Department]:
        return self.plan_departments()[1:]

    def institution_kind_labels(self) -> list[str]:
        labels = dict(InstitutionKind.choices)
        return [str(labels.get(k, k)) for k in self.institution_kinds]


class PlanRound(models.Model):
    """What a plan said when it was submitted for one round of approvals: a resubmission does not
    erase what the heads returned."""

    plan = models.ForeignKey(SpotCheckPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="rounds")
    round = models.PositiveSmallIntegerField(_("approval round"))
    snapshot = models.JSONField(_("plan as submitted"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan round")
        verbose_name_plural = _("plan rounds")
        ordering = ["plan", "round"]
        constraints = [models.UniqueConstraint(fields=["plan", "round"], name="one_snapshot_per_plan_round")]

    def __str__(self):
        return f"{self.plan} · {self.round}"


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class PlanApproval(models.Model):
    """One participating department's decision on one round of a plan (审批)."""

    plan = models.ForeignKey(SpotCheckPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="approvals")
    round = models.PositiveSmallIntegerField(_("approval round"))
    department = models.ForeignKey(Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comments = models.TextField(_("comments"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan approval")
        verbose_name_plural = _("plan approvals")
        ordering = ["plan", "round", "decided_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "round", "department"], name="one_decision_per_department_and_round"
            )
        ]

    def __str__(self):
        return f"{self.plan} · {self.department} · {self.get_decision_display()}"


class RedrawGround(models.TextChoices):
    """The only grounds on which a drawn result may be discarded (重新抽取事由)."""

    STAFF_CHANGE = "staff_change", _("Change of inspection staff")  # 人员变动
    NEW_RECUSAL = "new_recusal", _("A ground for recusal found after the draw")  # 回避事由新发现
    SYSTEM_FAILURE = "system_failure", _("System failure")  # 系统故障
    OTHER = "other", _("Other (explain)")  # 其他


def _draw_upload_to(instance, filename):
    # The commitment is unique to a draw and known before the row is saved.
    return f"sampling/draws/{instance.plan_id}/{instance.commitment[:16]}-{filename}"


class DrawRecord(models.Model):
    """One draw of a plan: the committed seed, the frozen inputs, the result and its publication.

    The seed stays in this row and is shown nowhere until ``published_at`` is set; before that
    only its SHA-256 (``commitment``) and the SHA-256 of the frozen inputs are public.
    """

    plan = models.ForeignKey(SpotCheckPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="draws")
    number = models.PositiveSmallIntegerField(_("draw number"), default=1)
    round = models.PositiveSmallIntegerField(_("approval round"), default=0)  # the plan's round at the commitment
    redraw_of = models.OneToOneField(
        "self", verbose_name=_("re-draw of"), null=True, blank=True, on_delete=models.PROTECT, related_name="redrawn_by"
    )
    redraw_ground = models.CharField(_("ground for the re-draw"), max_length=20, choices=RedrawGround.choices,
                                     blank=True)
    redraw_reason = models.TextField(_("reason for the re-draw"), blank=True)
    # The rules part of the inputs is the same as the previous draw's (a resubmission that changed
    # nothing the draw reads); None for a plan's first draw. Also in the committed inputs ("chain").
    same_rules_as_previous = models.BooleanField(_("same rules as the previous draw"), null=True)

    commitment = models.CharField(_("seed commitment (SHA-256)"), max_length=64)
    seed = models.BinaryField(_("seed"), max_length=32, editable=False)  # secret until published_at
    committed_at = models.DateTimeField(_("commitment published"), auto_now_add=True)
    inputs_file = models.FileField(_("frozen inputs"), upload_to=_draw_upload_to, max_length=200)
    # The declared conflicts in full, and the key that salts their committed hashes: never shown;
    # only the pairs of drawn targets are revealed, at publication (engine.revealed_conflicts).
    conflict_pairs = models.JSONField(_("declared conflicts (candidate, inspector)"), default=list, editable=False)
    conflict_key = models.BinaryField(_("conflict salt key"), max_length=32, editable=False, default=b"")
    inputs_sha256 = models.CharField(_("SHA-256 of the frozen inputs"), max_length=64)
    input_sha256 = models.JSONField(_("SHA-256 of each input list"), default=dict)
    candidate_count = models.PositiveIntegerField(_("candidates"), default=0)
    inspector_count = models.PositiveIntegerField(_("inspectors"), default=0)

    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    feasible = models.BooleanField(_("feasible"), null=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    result_sha256 = models.CharField(_("SHA-256 of the result"), max_length=64, blank=True)
    problems = models.JSONField(_("problems"), default=list, blank=True)

    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("result published"), null=True, blank=True)
    record_file = models.FileField(_("published record"), upload_to=_draw_upload_to, max_length=200,
                                   blank=True)
    record_sha256 = models.CharField(_("SHA-256 of the published record"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("draw")
        verbose_name_plural = _("draws")
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="one_draw_number_per_plan"),
            # One open commitment per round: a second commit_seed returns it instead of orphaning it.
            models.UniqueConstraint(fields=["plan", "round"], condition=models.Q(drawn_at__isnull=True),
                                    name="one_open_draw_per_plan_round"),
        ]

    def __str__(self):
        return f"{self.plan} · {self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_superseded(self) -> bool:
        return hasattr(self, "redrawn_by")

    def revealed_seed_hex(self) -> str | None:
        """The seed, only once the result is published (the only way a page may read it)."""
        return bytes(self.seed).hex() if self.published_at is not None else None


class RedrawRequest(models.Model):
    """The lead head's request to discard a drawn result (重新抽取), and a second head's decision.

    Two people, a ground from a fixed list, and a cap per plan (SPOT_CHECK_MAX_REDRAWS): nobody
    re-draws alone until a result suits them.
    """

    draw = models.ForeignKey(DrawRecord, verbose_name=_("draw"), on_delete=models.CASCADE,
                             related_name="redraw_requests")
    ground = models.CharField(_("ground"), max_length=20, choices=RedrawGround.choices)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    approved = models.BooleanField(_("approved"), null=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-draw request")
        verbose_name_plural = _("re-draw requests")
        ordering = ["draw", "requested_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draw"], condition=models.Q(approved__isnull=True),
                                    name="one_pending_redraw_request_per_draw"),
        ]

    def __str__(self):
        return f"{self.draw} · {self.get_ground_display()}"


class DrawnTarget(models.Model):
    """An institution drawn, with its team; the inspection is created when the result is published."""

    draw = models.ForeignKey(DrawRecord, verbose_name=_("draw"), on_delete=models.CASCADE, related_name="targets")
    institution = models.ForeignKey(Institution, verbose_name=_("institution"), on_delete=models.PROTECT,
                                    related_name="spot_check_targets")
    credit_class = models.CharField(_("credit class at the draw"), max_length=10, choices=CreditClass.choices)
    team = models.ManyToManyField(Official, verbose_name=_("team"), related_name="spot_check_targets")
    # The team in slot order (the lead department's member first), as the engine drew it.
    team_order = models.JSONField(_("team order"), default=list)
    inspection = models.OneToOneField(
        "inspections.Inspection", verbose_name=_("inspection"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="spot_check_target",
    )

    class Meta:
        verbose_name = _("drawn target")
        verbose_name_plural = _("drawn targets")
        ordering = ["draw", "institution_id"]
        constraints = [models.UniqueConstraint(fields=["draw", "institution"], name="one_target_per_draw")]

    def __str__(self):
        return str(self.institution)

    def ordered_team(self) -> list[Official]:
        members = {o.pk: o for o in self.team.all()}
        return [members[pk] for pk in self.team_order if pk in members]
