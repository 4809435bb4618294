from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import AuditEntry, CalendarDay, Department, DocumentCounter, DocumentType, HolidayYear, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


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
