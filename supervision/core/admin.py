from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from supervision.core.background import enqueue
from supervision.core.divisions import DivisionDataMissing, load_divisions, normalise_scope

from supervision.core.models import (
    AuditEntry,
    CalendarDay,
    Department,
    DocumentCounter,
    DocumentType,
    HolidayYear,
    Region,
    RegionLevel,
)


class LoadRegionsForm(forms.Form):
    SCOPES = [("province", _("A province")), ("city", _("A city")), ("all", _("The whole country"))]

    scope = forms.ChoiceField(label=_("What to load"), choices=SCOPES, widget=forms.RadioSelect, initial="province")
    code = forms.CharField(label=_("Division code"), required=False, max_length=6,
                           help_text=_("A province: 31 or 310000. A city: 3101 or 310100."))
    dry_run = forms.BooleanField(label=_("Dry run: count what would change, write nothing"), required=False,
                                 initial=True)

    def clean(self):
        data = super().clean()
        scope, code = data.get("scope"), (data.get("code") or "").strip()
        if scope in ("province", "city"):
            if not code:
                self.add_error("code", _("Give the division code of the province or city."))
                return data
            try:
                data["prefix"] = normalise_scope(**{scope: code})
            except ValueError:
                self.add_error("code", _("“%(code)s” is not a code of that kind: a province has 2 digits (31) or 6 "
                                         "(310000), a city 4 (3101) or 6 ending in 00 (310100).") % {"code": code})
        else:
            data["prefix"] = ""
        return data


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)
    change_list_template = "admin/core/region/change_list.html"

    def get_urls(self):
        load = path("load/", self.admin_site.admin_view(self.load_view), name="core_region_load")
        return [load, *super().get_urls()]

    def load_view(self, request):
        """Load the national division codes (GB/T 2260 and the statistics bureau's township codes)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = LoadRegionsForm(request.POST or None)
        result = queued = missing = None
        if request.method == "POST" and form.is_valid():
            prefix, dry_run = form.cleaned_data["prefix"], form.cleaned_data["dry_run"]
            try:
                if prefix == "" and not dry_run:
                    # ~45,000 divisions take about half a minute: longer than a request should wait.
                    enqueue("supervision.core.divisions.load_divisions_in_background", prefix)
                    queued = True
                else:
                    result = load_divisions(None, prefix, dry_run=dry_run)
            except DivisionDataMissing as error:
                missing = str(error)
        levels = [(level, label) for level, label in RegionLevel.choices]
        return TemplateResponse(request, "admin/core/region/load.html", {
            **self.admin_site.each_context(request),
            "title": _("Load the national division codes"),
            "opts": self.model._meta,
            "form": form,
            "result": result,
            "rows": [(label, result.created[level], result.renamed[level], result.unchanged[level])
                     for level, label in levels] if result else [],
            "queued": queued,
            "missing": missing,
        })


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "short_name")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("region",)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only."""

    list_display = ("at", "actor_name", "action", "model", "object_repr")
    list_filter = ("action", "model")
    search_fields = ("object_repr", "actor_name", "object_pk")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- The official calendar and document numbers ---------------------------------------------------



class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 10
    fields = ("date", "is_working_day", "name")
    verbose_name_plural = _(
        "Days that break the Monday–Friday rule: holidays on weekdays, and weekend days worked in exchange (调休上班)"
    )


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    """Where an administrator enters next year's schedule once the State Council publishes it.

    A whole year can also be loaded from a file: manage.py import_holidays FILE.json.
    """

    list_display = ("year", "published_on", "source", "day_count", "entered_by", "entered_at")
    readonly_fields = ("entered_by", "entered_at")
    fields = ("year", "published_on", "source", "entered_by", "entered_at")
    inlines = [CalendarDayInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_day_count=models.Count("days"))

    @admin.display(description=_("days"), ordering="_day_count")
    def day_count(self, obj):
        return obj._day_count

    def save_model(self, request, obj, form, change):
        if obj.entered_by_id is None:
            obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "abbr", "number_format")
    search_fields = ("code", "name")


@admin.register(DocumentCounter)
class DocumentCounterAdmin(admin.ModelAdmin):
    """Read-only: numbers are taken only by core/numbering.py, or the series would get gaps or repeats."""

    list_display = ("department", "doc_type", "year", "last_number")
    list_filter = ("doc_type", "year")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
