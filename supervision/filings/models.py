"""Filing with a written commitment (备案 + 信用承诺), 养老机构管理办法 (民政部令第66号) Art. 10-11.

Facts only. What the institution declared (each submitted version, kept as it was sent), what
the civil-affairs office decided on it (returned for completion, 补正, or accepted with a numbered
receipt, 备案回执), the commitment signed with the template version it was signed on, the
verification inspections scheduled, and the commitment items found broken. Which step comes next
is the workflow's business (workflows/filing).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.core import clock
from supervision.core.models import Department, Region, RegionLevel
from supervision.core.validators import phone_validator
from supervision.inspections.models import Finding, Inspection
from supervision.registry.models import Institution

RECEIPT_DOCUMENT_TYPE = "filing-receipt"  # DocumentType.code of 备案回执, created by migration 0002

# The five commitment items 66号令 Art. 11 names (Art. 4: building, fire, food safety, medical
# services, special equipment). Every template holds them; a locality may add more.
DEFAULT_ITEM_CODES = ("building", "fire", "food_safety", "medical", "special_equipment")


def new_public_token() -> str:
    return secrets.token_urlsafe(18)


class FilingKind(models.TextChoices):
    INITIAL = "initial", _("Filing")  # 备案
    CHANGE = "change", _("Change filing")  # 变更备案
    CLOSURE = "closure", _("Closure filing")  # 停业（注销）备案


class FilingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, being checked")
    RETURNED = "returned", _("Returned for completion")  # 补正
    ACCEPTED = "accepted", _("Accepted")


OPEN_STATES = (FilingState.DRAFT, FilingState.SUBMITTED, FilingState.RETURNED)


class PremisesTitle(models.TextChoices):
    """服务场所权属: declared by the institution, not proved by a deed (Art. 11)."""

    OWNED = "owned", _("Owned")  # 自有产权
    LEASED = "leased", _("Leased")  # 租赁
    FREE_USE = "free_use", _("Used free of charge (allocated)")  # 无偿使用
    OTHER = "other", _("Other")


class RegistrationLevel(models.TextChoices):
    """The level of the registration authority (登记管理机关); a non-profit files at that level."""

    DISTRICT = RegionLevel.DISTRICT, _("District / county")
    CITY = RegionLevel.CITY, _("City")
    PROVINCE = RegionLevel.PROVINCE, _("Province")


# The fields a change filing may change (变更备案, DOMAIN.md §3) and every version compares.
CHANGE_FIELDS = ("name", "legal_representative", "premises_title", "premises_title_note", "beds", "floor_area")
# Everything a version keeps as it was submitted.
DECLARED_FIELDS = (
    "name", "credit_code", "address", "region", "legal_representative", "for_profit", "registration_level",
    "premises_title", "premises_title_note", "beds", "floor_area", "contact_person", "contact_phone",
    "first_resident_on", "closure_on", "resettlement_plan", "office",
)


class CommitmentTemplate(models.Model):
    """One version of the written commitment (承诺书) text and items, for everywhere or one locality.

    Data an administrator edits in the admin (fixtures/commitments/ holds the default). A version
    somebody has signed is never changed: editing it saves a new version (admin.py).
    """

    region = models.ForeignKey(
        Region, verbose_name=_("locality"), null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: the default everywhere. A locality's template applies within its region."),
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=100)
    preamble = models.TextField(_("preamble"))
    # [{"code": "fire", "title": "…", "basis": "…"}]
    items = models.JSONField(_("items"))
    published_at = models.DateTimeField(_("published at"), default=clock.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("commitment template")
        verbose_name_plural = _("commitment templates")
        ordering = ["region__path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], condition=Q(region__isnull=False),
                                    name="commitment_template_region_version"),
            models.UniqueConstraint(fields=["version"], condition=Q(region__isnull=True),
                                    name="commitment_template_default_version"),
        ]

    def __str__(self):
        where = self.region.name if self.region_id else _("default")
        return f"{self.title} ({where}, v{self.version})"

    def clean(self):
        items = self.items if isinstance(self.items, list) else None
        if not items or not all(isinstance(i, dict) and i.get("code") and i.get("title") for i in items):
            raise ValidationError({"items": _('Give a list of items, each with a "code" and a "title".')})
        codes = [i["code"] for i in items]
        if len(set(codes)) != len(codes):
            raise ValidationError({"items": _("Each item needs its own code.")})
        missing = [c for c in DEFAULT_ITEM_CODES if c not in codes]
        if missing:
            raise ValidationError({"items": _(
                "A commitment keeps the five items of Art. 11 (a locality may only add items); missing: %(codes)s."
            ) % {"codes": ", ".join(missing)}})

    @property
    def is_signed(self) -> bool:
        return self.pk is not None and CommitmentSignature.objects.filter(template=self).exists()


class FilingDeadlineRule(models.Model):
    """A locality's filing deadline (吕梁 30 working days, …); elsewhere FILING_DEADLINE_WORKING_DAYS."""

    region = models.OneToOneField(Region, verbose_name=_("locality"), on_delete=models.CASCADE, related_name="+")
    working_days = models.PositiveSmallIntegerField(_("working days after the first resident"),
                                                    validators=[MinValueValidator(1), MaxValueValidator(120)])
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("filing deadline rule")
        verbose_name_plural = _("filing deadline rules")
        ordering = ["region__path"]

    def __str__(self):
        return f"{self.region}: {self.working_days}"


def _certificate_path(filing, filename):
    return f"filings/{filing.institution_id}/{secrets.token_hex(12)}{filing.certificate_extension or ''}"


class Filing(models.Model):
    """One filing of an institution (initial, change or closure), from draft to accepted.

    The fields are the five items of Art. 11 as the institution declares them; a draft is saved
    as typed (nothing is validated away), submission checks it whole. At most one filing of an
    institution is open at a time (a database constraint).
    """

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="filings"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=FilingKind.choices, default=FilingKind.INITIAL)
    state = models.CharField(_("state"), max_length=10, choices=FilingState.choices, default=FilingState.DRAFT)
    # The accepted filing a change or closure filing amends (its facts are the "before").
    amends = models.ForeignKey(
        "self", verbose_name=_("amends"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        Department, verbose_name=_("filing office"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="filings",
    )
    # 1. basic facts
    name = models.CharField(_("name"), max_length=150, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    address = models.CharField(_("address of the premises"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name=_("street / township of the premises"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": RegionLevel.STREET},
    )
    legal_representative = models.CharField(_("legal representative or principal"), max_length=50, blank=True)
    for_profit = models.BooleanField(_("for profit"), default=False)
    registration_level = models.CharField(
        _("level of the registration authority"), max_length=10, choices=RegistrationLevel.choices,
        default=RegistrationLevel.DISTRICT,
    )
    # 2. title to the premises (declared)
    premises_title = models.CharField(_("title to the premises"), max_length=10, choices=PremisesTitle.choices,
                                      blank=True)
    premises_title_note = models.CharField(_("title details"), max_length=200, blank=True)
    # 3. beds, 4. floor area of the service facilities
    beds = models.PositiveIntegerField(_("beds"), null=True, blank=True)
    floor_area = models.DecimalField(_("floor area of the service facilities (m²)"), max_digits=10,
                                     decimal_places=1, null=True, blank=True)
    # 5. contact
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True, validators=[phone_validator])
    # The deadline runs from the first resident, as the institution declares it.
    first_resident_on = models.DateField(_("first resident admitted on"), null=True, blank=True)
    deadline = models.DateField(_("filing deadline"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("deadline provisional"), default=False)
    # A closure filing: when, and how the residents are resettled (老年人权益保障法 Art. 46).
    closure_on = models.DateField(_("closes on"), null=True, blank=True)
    resettlement_plan = models.TextField(_("plan for resettling the residents"), blank=True)
    # The registration certificate (登记证书), checked by content.
    certificate = models.FileField(_("registration certificate"), upload_to=_certificate_path, blank=True)
    certificate_name = models.CharField(_("certificate file name"), max_length=255, blank=True)
    certificate_type = models.CharField(_("certificate file type"), max_length=40, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(_("created"), default=clock.now)
    updated = models.DateTimeField(_("saved"), default=clock.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    receipt_number = models.CharField(_("receipt number"), max_length=60, null=True, blank=True, unique=True)
    public_token = models.CharField(max_length=40, unique=True, default=new_public_token, editable=False)

    class Meta:
        verbose_name = _("filing")
        verbose_name_plural = _("filings")
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["office", "state", "submitted_at"], name="filing_office_state_idx"),
            models.Index(fields=["institution", "state"], name="filing_institution_state_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["institution"], condition=Q(state__in=list(OPEN_STATES)),
                                    name="filing_one_open_per_institution"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.name or self.institution.name}"

    @property
    def certificate_extension(self) -> str:
        return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}.get(self.certificate_type, "")

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def editable(self) -> bool:
        """The institution may change it: a draft, or returned for completion."""
        return self.state in (FilingState.DRAFT, FilingState.RETURNED)


class FilingVersion(models.Model):
    """A filing as submitted, once per submission, with what the office decided on it.

    Never changed after the decision: every version stays comparable (before/after).
    """

    class Outcome(models.TextChoices):
        RETURNED = "returned", _("Returned for completion")
        ACCEPTED = "accepted", _("Accepted")

    filing = models.ForeignKey(Filing, verbose_name=_("filing"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    data = models.JSONField(_("as declared"))
    certificate_name = models.CharField(_("certificate file name"), max_length=255, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=clock.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    note = models.TextField(_("what to add"), blank=True)  # 补正 items, on a return
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("filing version")
        verbose_name_plural = _("filing versions")
        ordering = ["filing", "number"]
        constraints = [models.UniqueConstraint(fields=["filing", "number"], name="filing_version_number")]

    def __str__(self):
        return f"{self.filing} v{self.number}"


class CommitmentSignature(models.Model):
    """The written commitment signed electronically by the legal representative (typed name + confirmation).

    Kept with the template version and the items exactly as signed.
    """

    filing = models.OneToOneField(Filing, verbose_name=_("filing"), on_delete=models.CASCADE,
                                  related_name="signature")
    template = models.ForeignKey(CommitmentTemplate, verbose_name=_("template version"), on_delete=models.PROTECT,
                                 related_name="signatures")
    items = models.JSONField(_("items as signed"))
    signer_name = models.CharField(_("signed by (typed name)"), max_length=50)
    signed_at = models.DateTimeField(_("signed at"), default=clock.now)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
                                  related_name="+")

    class Meta:
        verbose_name = _("commitment signature")
        verbose_name_plural = _("commitment signatures")

    def __str__(self):
        return f"{self.signer_name} · {self.template}"


class VerificationReason(models.TextChoices):
    FILING = "filing", _("Filing accepted")
    UNFILED = "unfiled", _("Found housing residents without a filing")


class FilingVerification(models.Model):
    """The on-site verification (备案核查) due within N working days of the filing, or of the day an
    unfiled institution was found housing residents (DOMAIN.md §3)."""

    institution = models.ForeignKey(Institution, verbose_name=_("institution"), on_delete=models.PROTECT,
                                    related_name="filing_verifications")
    filing = models.ForeignKey(Filing, verbose_name=_("filing"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="verifications")
    # The verification is its inspection's purpose: it goes with it.
    inspection = models.OneToOneField(Inspection, verbose_name=_("inspection"), on_delete=models.CASCADE,
                                      related_name="filing_verification")
    reason = models.CharField(_("reason"), max_length=10, choices=VerificationReason.choices)
    counted_from = models.DateField(_("counted from"))
    due_on = models.DateField(_("due by"))
    due_provisional = models.BooleanField(_("due date provisional"), default=False)
    created = models.DateTimeField(_("created"), default=clock.now)

    class Meta:
        verbose_name = _("filing verification")
        verbose_name_plural = _("filing verifications")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["due_on"], name="filing_verification_due_idx")]

    def __str__(self):
        return f"{self.institution} · {self.due_on}"


class CommitmentBreach(models.Model):
    """A commitment item found broken on a verification: the finding that broke it."""

    filing = models.ForeignKey(Filing, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="breaches")
    item_code = models.CharField(_("commitment item"), max_length=50)
    item_title = models.CharField(_("item"), max_length=200)
    finding = models.OneToOneField(Finding, verbose_name=_("finding"), on_delete=models.PROTECT,
                                   related_name="commitment_breach")
    found_on = models.DateField(_("found on"))

    class Meta:
        verbose_name = _("broken commitment item")
        verbose_name_plural = _("broken commitment items")
        ordering = ["-found_on", "-pk"]

    def __str__(self):
        return f"{self.filing.institution} · {self.item_title}"


class FilingReminder(models.Model):
    """A reminder sent before a deadline: one per deadline and lead time, so a rerun never repeats it."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    sent_at = models.DateTimeField(_("sent at"), default=clock.now)

    class Meta:
        verbose_name = _("filing reminder")
        verbose_name_plural = _("filing reminders")
