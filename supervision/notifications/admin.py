from django.contrib import admin

from supervision.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created", "recipient", "kind", "text", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "text")
    raw_id_fields = ("recipient",)
