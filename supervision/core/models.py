"""Regions, departments and the audit log: what every other record hangs on."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / township")


LEVEL_ORDER = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.DISTRICT, RegionLevel.STREET]


class RegionQuerySet(models.QuerySet):
    def within(self, region: "Region"):
        """The region and everything below it (a subtree, by materialised path)."""
        return self.filter(path__startswith=region.path)


class Region(models.Model):
    """A node of the administrative tree: province → city → district/county → street/township."""

    code = models.CharField(_("division code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # "/<code>/<code>/…/": a subtree is one prefix match on an indexed column.
    path = models.CharField(max_length=255, editable=False, db_index=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def full_name(self) -> str:
        """上海市黄浦区: a name said once when a level repeats it (a municipality's city level)."""
        names = [r.name for r in self.ancestors()] + [self.name]
        return "".join(name for n, name in enumerate(names) if n == 0 or name != names[n - 1])

    def ancestors(self) -> list["Region"]:
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def clean(self):
        expected = None
        if self.parent is None:
            if self.level != RegionLevel.PROVINCE:
                expected = _("Only a province may have no parent region.")
        else:
            parent_index = LEVEL_ORDER.index(self.parent.level)
            if parent_index + 1 >= len(LEVEL_ORDER) or LEVEL_ORDER[parent_index + 1] != self.level:
                expected = _("A %(level)s cannot sit directly below a %(parent)s.") % {
                    "level": self.get_level_display(),
                    "parent": self.parent.get_level_display(),
                }
        if expected:
            raise ValidationError({"level": expected})

    def save(self, *args, **kwargs):
        old_path = self.path
        self.path = (self.parent.path if self.parent_id else "/") + self.code + "/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Re-root the subtree when a code or parent changes.
            for child in Region.objects.filter(parent=self):
                child.save()

    def contains(self, other: "Region | None") -> bool:
        return other is not None and other.path.startswith(self.path)


class DepartmentKind(models.TextChoices):
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    MARKET_REGULATION = "market_regulation", _("Market regulation")
    FIRE_RESCUE = "fire_rescue", _("Fire and rescue")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing and construction")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance")


class Department(models.Model):
    """A government department (民政局, 市场监管局 …) with its jurisdiction (辖区): a region subtree."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=DepartmentKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="departments"
    )
    # Short prefix for document numbers, e.g. 示民 in 示民整改〔2026〕17号.
    short_name = models.CharField(_("short name"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region"], name="one_department_of_a_kind_per_region")
        ]

    def __str__(self):
        return self.name


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")  # lists leave the system with personal data in them


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only.")

    def delete(self):
        raise TypeError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One change to a registry record: who, when, and the record before and after.

    Append-only: the model refuses updates and deletes, and on PostgreSQL a trigger
    refuses them in the database too (migration 0002).
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    # No database constraint and no cascade: rows are never rewritten, so removing a user must
    # not touch the log (the PostgreSQL trigger would refuse it). actor_name keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )
    # Kept as text so the entry still says who it was if the account is removed.
    actor_name = models.CharField(_("by (name)"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    model = models.CharField(_("record type"), max_length=100, db_index=True)
    object_pk = models.CharField(_("record id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("record"), max_length=200)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["model", "object_pk", "at"], name="audit_record_idx")]

    def __str__(self):
        when = f"{self.at:%Y-%m-%d %H:%M} " if self.at else ""
        return f"{when}{self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only.")


# --- The official calendar (法定节假日与调休) -----------------------------------------------------
# Deadlines are counted in core/workdays.py; these tables feed it (core/calendar.py builds it).


class HolidayYear(models.Model):
    """A year whose State Council holiday schedule has been entered: its days are then exact.

    Years without a row are counted by the weekend-only rule and their deadlines are provisional.
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    published_on = models.DateField(
        _("published on"), null=True, blank=True,
        help_text=_("Date of the State Council notice that sets this year's holidays."),
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True,
        help_text=_("The notice (title or document number) the days were taken from."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)


class CalendarDay(models.Model):
    """A day that breaks the Monday–Friday rule: a weekday holiday or a weekend make-up working day."""

    holiday_year = models.ForeignKey(
        HolidayYear, verbose_name=_("holiday schedule"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), default=False,
        help_text=_("Ticked for a make-up working day (调休上班) on a weekend; clear for a holiday."),
    )
    name = models.CharField(_("name"), max_length=60, help_text=_("For example 春节, 国庆节, 春节调休上班."))

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"

    def clean(self):
        try:
            year = self.holiday_year.year  # set, if not yet saved, when entered inline with a new year
        except HolidayYear.DoesNotExist:
            return
        if self.date and year and self.date.year != year:
            raise ValidationError({"date": _("This date is not in %(year)s.") % {"year": year}})


def _calendar_changed(**kwargs):
    """Any change to the tables drops this process's cached calendar (core/calendar.py)."""
    from supervision.core.calendar import forget_work_calendar

    forget_work_calendar()


for _signal in (models.signals.post_save, models.signals.post_delete):
    for _sender in (HolidayYear, CalendarDay):
        _signal.connect(_calendar_changed, sender=_sender, dispatch_uid=f"calendar-changed-{_sender.__name__}")


# --- Document numbers (文号) ----------------------------------------------------------------------


DEFAULT_NUMBER_FORMAT = "{dept}{abbr}〔{year}〕{n}号"


class DocumentType(models.Model):
    """A kind of numbered document (整改通知书 …) and how its numbers read, e.g. 示民整改〔2026〕17号."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    abbr = models.CharField(_("abbreviation"), max_length=20, help_text=_("For example 整改."))
    number_format = models.CharField(
        _("number format"), max_length=100, default=DEFAULT_NUMBER_FORMAT,
        help_text=_(
            "Placeholders: {dept} department short name, {abbr} abbreviation, {year}, {n} the number "
            "({n:03d} pads it to three digits)."
        ),
    )

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def format_number(self, department: Department, year: int, n: int) -> str:
        return self.number_format.format(dept=department.short_name, abbr=self.abbr, year=year, n=n)

    def clean(self):
        try:
            self.number_format.format(dept="示民", abbr=self.abbr, year=2026, n=17)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            raise ValidationError({"number_format": _(
                "Use only the placeholders {dept}, {abbr}, {year} and {n}, with matching braces."
            )})
        if "{n" not in self.number_format:
            raise ValidationError({"number_format": _("The format must contain the number {n}.")})


class DocumentCounter(models.Model):
    """The last number issued per department, document type and year; numbered in core/numbering.py."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    doc_type = models.ForeignKey(
        DocumentType, verbose_name=_("document type"), on_delete=models.PROTECT, related_name="counters"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("document counter")
        verbose_name_plural = _("document counters")
        ordering = ["department", "doc_type", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["department", "doc_type", "year"], name="one_counter_per_series")
        ]

    def __str__(self):
        return f"{self.department} {self.doc_type} {self.year}: {self.last_number}"
