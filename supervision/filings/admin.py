from django.contrib import admin
from django.db.models import Max

from supervision.core import clock
from supervision.filings.models import CommitmentTemplate, Filing, FilingDeadlineRule


@admin.register(CommitmentTemplate)
class CommitmentTemplateAdmin(admin.ModelAdmin):
    """The written commitment as data. A version somebody signed is never rewritten: saving a
    change to it publishes the next version instead, and the signatures keep theirs."""

    list_display = ("title", "region", "version", "published_at", "published_by")
    list_filter = ("region",)
    readonly_fields = ("version", "published_at", "published_by")
    fields = ("region", "title", "preamble", "items", "version", "published_at", "published_by")

    def save_model(self, request, obj, form, change):
        if not change or obj.is_signed or "region" in form.changed_data:
            latest = CommitmentTemplate.objects.filter(region=obj.region).aggregate(n=Max("version"))["n"] or 0
            obj.pk, obj.version = None, latest + 1
            obj._state.adding = True
        obj.published_at, obj.published_by = clock.now(), request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_signed


@admin.register(FilingDeadlineRule)
class FilingDeadlineRuleAdmin(admin.ModelAdmin):
    """A locality's filing deadline in working days (the default is FILING_DEADLINE_WORKING_DAYS)."""

    list_display = ("region", "working_days", "source")


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    """Read-only here: filings change only through the institution's portal and the office's check."""

    list_display = ("institution", "kind", "state", "office", "submitted_at", "receipt_number")
    list_filter = ("kind", "state")
    search_fields = ("institution__name", "receipt_number")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
