"""The check-item list is data an administrator keeps; draws are never edited here (the seed is
secret until publication, so DrawRecord is deliberately not registered)."""

from django.contrib import admin

from supervision.sampling.models import CheckItem


@admin.register(CheckItem)
class CheckItemAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "lead_department_kind", "specialty", "frequency", "active"]
    list_filter = ["lead_department_kind", "active"]
    search_fields = ["code", "title", "legal_basis"]
