from django.contrib import admin

from supervision.registry.models import Institution, InstitutionAccount


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
