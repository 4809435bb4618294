from django.contrib import admin

from supervision.staff.models import ConflictOfInterest, Official, Specialty


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "region", "certificate_number", "active")
    list_filter = ("active", "department__kind", "specialties")
    search_fields = ("name", "certificate_number", "user__username")
    autocomplete_fields = ("user", "department", "region")
    filter_horizontal = ("specialties",)


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ("official", "institution", "reason", "valid_until", "declared_at")
    search_fields = ("official__name", "institution__name")
    autocomplete_fields = ("official", "institution")
