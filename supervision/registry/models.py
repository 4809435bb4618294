"""The target library (检查对象名录库): elderly-care institutions and their operator accounts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from supervision.core.models import Region, RegionLevel
from supervision.core.phones import PhoneError, normalise_phones
from supervision.core.validators import phone_validator
from supervision.registry.pinyin import search_key
from supervision.registry.validators import validate_credit_code


def validate_phones(value: str) -> None:
    try:
        normalise_phones(value)
    except PhoneError as error:
        raise ValidationError(
            _("“%(number)s” is not a telephone number. Write mobiles with 11 digits, landlines with their "
              "area code, e.g. (021) 6543 2100 转 801; join several numbers with 、"),
            code="invalid_phone", params={"number": error.number},
        ) from None


postcode_validator = RegexValidator(r"^\d{6}$", _("A postcode has six digits."), code="invalid_postcode")


class InstitutionKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential institution")
    DAY_CARE = "day_care", _("Day-care centre")
    COMMUNITY = "community", _("Community facility")


class Ownership(models.TextChoices):
    PUBLIC_PUBLIC = "public_public", _("Publicly built, publicly run")  # 公建公营
    PUBLIC_PRIVATE = "public_private", _("Publicly built, privately run")  # 公建民营
    PRIVATE = "private", _("Privately built, privately run")  # 民建民营
    UNRECORDED = "unrecorded", _("Not recorded")  # a registry that does not say; to be completed


class FilingStatus(models.TextChoices):
    NOT_FILED = "not_filed", _("Not filed")
    FILED = "filed", _("Filed")
    RETURNED = "returned", _("Returned for completion")
    CHANGE_FILED = "change_filed", _("Change filed")
    CLOSURE_FILED = "closure_filed", _("Closure filed")


class OperatingStatus(models.TextChoices):
    PREPARING = "preparing", _("Preparing")
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", pgettext_lazy("operating status", "Closed")  # 已停业, not a closed case


class CreditClass(models.TextChoices):
    A = "A", _("A (low risk)")
    B = "B", _("B")
    C = "C", _("C")
    D = "D", _("D (high risk)")
    UNRATED = "unrated", _("Unrated")


class Institution(models.Model):
    # Empty while pending (待补充): real registries often lack codes; the reason says why.
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    credit_code_pending_reason = models.CharField(
        _("why the credit code is pending"), max_length=200, blank=True,
        help_text=_("Required when the credit code is left empty, e.g. “not in the source registry”."),
    )
    name = models.CharField(_("name"), max_length=150, db_index=True)
    # The name's full pinyin and initials ("yileyuan|yly", registry/pinyin.py), kept on save: the
    # public search matches what a visitor types against it in SQL.
    name_pinyin = models.CharField(_("name in pinyin"), max_length=300, blank=True, editable=False, db_index=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstitutionKind.choices)
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices)
    for_profit = models.BooleanField(_("for profit"), default=False)
    beds = models.PositiveIntegerField(_("beds"), default=0, validators=[MaxValueValidator(100000)])
    floor_area = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(0)],
    )
    address = models.CharField(_("address"), max_length=200)
    region = models.ForeignKey(
        Region, verbose_name=_("street / township"), on_delete=models.PROTECT,
        related_name="institutions", limit_choices_to={"level": RegionLevel.STREET},
    )
    # The district that supervises it, when not the district of its street (a home run by one
    # district in a street of another). Jurisdiction follows supervision: see supervised_q().
    supervising_district = models.ForeignKey(
        Region, verbose_name=_("supervising district"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="supervised_institutions", limit_choices_to={"level": RegionLevel.DISTRICT},
        help_text=_("Only when a district other than the one of its street supervises it."),
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    # As written (shown so); phone_numbers holds the same numbers normalised, for search and dialling.
    contact_phone = models.CharField(_("contact phone"), max_length=100, blank=True, validators=[validate_phones])
    phone_numbers = models.CharField(_("phone numbers (normalised)"), max_length=200, blank=True, editable=False)
    founded_on = models.DateField(_("opened on"), null=True, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True, validators=[postcode_validator])
    filing_status = models.CharField(
        _("filing status"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.NOT_FILED
    )
    operating_status = models.CharField(
        _("operating status"), max_length=20, choices=OperatingStatus.choices, default=OperatingStatus.OPERATING
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    credit_class = models.CharField(
        _("credit class"), max_length=10, choices=CreditClass.choices, default=CreditClass.UNRATED
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["region", "kind"], name="institution_region_kind_idx")]
        constraints = [
            models.UniqueConstraint(fields=["name", "address"], name="institution_unique_name_address"),
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="institution_unique_credit_code",
                violation_error_message=_("An institution with this credit code is already in the library."),
            ),
            models.CheckConstraint(
                condition=~Q(credit_code="") | ~Q(credit_code_pending_reason=""),
                name="institution_code_or_pending_reason",
                violation_error_message=_("Give the credit code, or say why it is pending."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="institution_coordinates_paired",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.region_id and self.region.level != RegionLevel.STREET:
            raise ValidationError({"region": _("Choose a street or township, not a larger region.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if not self.credit_code and not self.credit_code_pending_reason:
            raise ValidationError({"credit_code_pending_reason": _("Give the credit code, or say why it is pending.")})
        if self.supervising_district_id and self.supervising_district.level != RegionLevel.DISTRICT:
            raise ValidationError({"supervising_district": _("Choose a district or county.")})

    def save(self, *args, **kwargs):
        self.fill_derived()
        if self.credit_code:
            self.credit_code_pending_reason = ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_pinyin"}
        super().save(*args, **kwargs)

    def fill_derived(self) -> None:
        """The fields computed from others (bulk_create skips save(): its callers call this)."""
        self.phone_numbers = self.normalised_phone_numbers()
        self.name_pinyin = search_key(self.name)

    def normalised_phone_numbers(self) -> str:
        try:
            return ", ".join(normalise_phones(self.contact_phone))
        except PhoneError:
            return ""  # an old value the validator did not see; shown as written

    @property
    def district(self):
        return self.region.parent if self.region_id else None

    @property
    def supervising_region(self):
        """Whose jurisdiction the institution falls in: the supervising district, else its street."""
        return self.supervising_district if self.supervising_district_id else self.region

    @property
    def credit_code_pending(self) -> bool:
        return not self.credit_code


def supervised_q(path: str, prefix: str = "") -> Q:
    """Institutions (reached through ``prefix``, e.g. "institution__") supervised within the region
    subtree ``path``: by their supervising district when they have one, else by their street."""
    return (Q(**{f"{prefix}supervising_district__isnull": True, f"{prefix}region__path__startswith": path})
            | Q(**{f"{prefix}supervising_district__path__startswith": path}))


class InstitutionAccount(models.Model):
    """A login that acts for one institution (机构经办人). Access is a guardian object permission."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
        related_name="institution_account",
    )
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="accounts"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])

    class Meta:
        verbose_name = _("institution operator account")
        verbose_name_plural = _("institution operator accounts")

    def __str__(self):
        return f"{self.user.get_username()} ({self.institution})"


class ImportKind(models.TextChoices):
    INSTITUTIONS = "institutions", _("Institutions")
    INSPECTORS = "inspectors", _("Inspectors")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked, ready to import")
    INVALID = "invalid", _("Has errors")
    COMMITTING = "committing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


def _import_upload_to(instance, filename):
    """A random stored name: the original (often Chinese) name is kept in a field, not on disk."""
    import os
    import uuid

    from supervision.core import clock

    extension = os.path.splitext(filename)[1].lower()[:10]
    return f"imports/{clock.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ImportJob(models.Model):
    """One uploaded spreadsheet (批量导入): checked in a dry run, then written in one transaction."""

    ACTIVE_STATUSES = (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.COMMITTING)

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("file"), upload_to=_import_upload_to)
    original_name = models.CharField(_("original file name"), max_length=255)
    created_by = models.ForeignKey(
        # PROTECT: the record of who imported what must outlive the account; deactivate users instead.
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
        related_name="import_jobs",
    )
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    # Empty means everywhere: an administrator's import.
    jurisdiction = models.ForeignKey(
        Region, verbose_name=_("jurisdiction checked against"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    language = models.CharField(_("language of the report"), max_length=10, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    # [{"row": 3, "column": "床位数", "value": "-5", "message": "…"}]; row is null for the whole file.
    errors = models.JSONField(_("error report"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("records created"), default=0)
    failure = models.TextField(_("failure"), blank=True)
    # What the dry run did with each column of the file: [{"position", "header", "key", "how"}].
    columns = models.JSONField(_("columns of the file"), default=list, blank=True)
    # Defaults applied to values the file lacks, with their row counts: said, never silent.
    notes = models.JSONField(_("notes of the check"), default=list, blank=True)
    # The clerk's choice of field per header ("" = ignore); null: the remembered mapping, else synonyms.
    mapping = models.JSONField(_("column mapping"), null=True, blank=True)
    headers_signature = models.CharField(_("shape of the file"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["created_by", "kind", "created"], name="importjob_owner_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ColumnMapping(models.Model):
    """The mapping a clerk chose for a file of one shape (its set of headers), offered for the next such file."""

    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    headers_signature = models.CharField(_("shape of the file"), max_length=64)
    mapping = models.JSONField(_("column mapping"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("chosen by"), on_delete=models.PROTECT, related_name="+",
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "headers_signature"], name="columnmapping_unique_shape"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.headers_signature[:8]}"

