from django.contrib import admin

from supervision.registry.models import ImportJob, Institution, InstitutionAccount


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code", "region", "kind", "beds", "filing_status", "credit_class")
    list_filter = ("kind", "ownership", "filing_status", "operating_status", "credit_class")
    search_fields = ("name", "credit_code", "address")
    autocomplete_fields = ("region",)


@admin.register(InstitutionAccount)
class InstitutionAccountAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "phone")
    search_fields = ("user__username", "institution__name")
    autocomplete_fields = ("user", "institution")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Import jobs are made through the import pages; here administrators only look."""

    list_display = ("created", "kind", "original_name", "created_by", "status", "total_rows", "created_count")
    list_filter = ("kind", "status")
    search_fields = ("original_name", "created_by__username")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
