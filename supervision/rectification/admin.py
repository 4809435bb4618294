from django.contrib import admin

from supervision.rectification.models import DeadlineRule, RectificationEvent, RectificationNotice


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    """Administrators set the working days per severity cell ([S] numbers are data)."""

    list_display = ("severity", "default_days", "min_days", "max_days")
    list_editable = ("default_days", "min_days", "max_days")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RectificationNotice)
class RectificationNoticeAdmin(admin.ModelAdmin):
    """Read-only here: notices change only through the rectification process."""

    list_display = ("number", "institution", "department", "issued_at", "deadline", "closed_at")
    search_fields = ("number", "institution__name")
    list_filter = ("department",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RectificationEvent)
class RectificationEventAdmin(admin.ModelAdmin):
    list_display = ("at", "notice", "kind", "actor")
    list_filter = ("kind",)
    search_fields = ("notice__number",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
