"""Officials and the inspector library (执法检查人员名录库)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.core import clock
from supervision.core.models import Department, Region
from supervision.core.validators import phone_validator


class Role(models.TextChoices):
    """Roles are auth Groups of these names (created by migration 0002)."""

    INSPECTOR = "inspector", _("Inspector")
    PLANNER = "planner", _("Planner")
    HEAD = "head", _("Department head")
    ADMINISTRATOR = "administrator", _("Administrator")
    OPERATOR = "operator", _("Institution operator")


OFFICIAL_ROLES = (Role.INSPECTOR, Role.PLANNER, Role.HEAD, Role.ADMINISTRATOR)


class Specialty(models.Model):
    """A field of competence an inspector holds: fire, food, medical, building, general …"""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=50)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ["code"]

    def __str__(self):
        return self.name


class OfficialQuerySet(models.QuerySet):
    def inspectors(self):
        return self.filter(user__groups__name=Role.INSPECTOR)


class Official(models.Model):
    """A government official who uses the system; inspectors hold an enforcement certificate (执法证)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="official"
    )
    name = models.CharField(_("name"), max_length=50)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="officials"
    )
    # Where the official usually works; always inside the department's jurisdiction.
    region = models.ForeignKey(
        Region, verbose_name=_("duty region"), on_delete=models.PROTECT, related_name="officials"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    certificate_number = models.CharField(
        _("enforcement certificate number"), max_length=40, null=True, blank=True, unique=True
    )
    certificate_valid_until = models.DateField(_("certificate valid until"), null=True, blank=True)
    specialties = models.ManyToManyField(Specialty, verbose_name=_("specialties"), blank=True)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive inspectors are never drawn for a check.")
    )

    objects = OfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("official")
        verbose_name_plural = _("officials")
        ordering = ["department__name", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.department_id and self.region_id and not self.department.region.contains(self.region):
            raise ValidationError(
                {"region": _("The duty region must lie within the department's jurisdiction (%(j)s).")
                 % {"j": self.department.region.name}}
            )

    @property
    def roles(self) -> set[str]:
        return set(self.user.groups.values_list("name", flat=True))

    def can_inspect(self) -> bool:
        today = clock.today()
        return (
            self.active
            and bool(self.certificate_number)
            and (self.certificate_valid_until is None or self.certificate_valid_until >= today)
        )


class ConflictOfInterest(models.Model):
    """A declared conflict (回避): the inspector is never sent to this institution while it holds."""

    official = models.ForeignKey(
        Official, verbose_name=_("inspector"), on_delete=models.CASCADE, related_name="conflicts"
    )
    institution = models.ForeignKey(
        "registry.Institution", verbose_name=_("institution"), on_delete=models.CASCADE,
        related_name="declared_conflicts",
    )
    reason = models.CharField(_("reason"), max_length=200)
    valid_until = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty means indefinitely."))
    declared_at = models.DateTimeField(_("declared at"), default=clock.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(fields=["official", "institution"], name="one_conflict_per_pair"),
        ]

    def __str__(self):
        return f"{self.official} ↔ {self.institution}"

    @classmethod
    def in_force_q(cls, on=None) -> Q:
        on = on or clock.today()
        return Q(valid_until__isnull=True) | Q(valid_until__gte=on)
