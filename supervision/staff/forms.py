from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for, regions_for
from supervision.staff.models import ConflictOfInterest, Official, Role


class OfficialForm(forms.ModelForm):
    """What a department head maintains in the inspector library."""

    takes_user = True

    class Meta:
        model = Official
        fields = ["name", "phone", "region", "certificate_number", "certificate_valid_until", "specialties", "active"]
        widgets = {"specialties": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user)
        self.fields["certificate_number"].required = False

    def clean_certificate_number(self):
        value = (self.cleaned_data.get("certificate_number") or "").strip()
        return value or None


def officials_for_conflicts(user):
    """Whom a user may declare a conflict for: themselves; heads, their department; admins, anyone."""
    actor = actor_for(user)
    officials = Official.objects.select_related("department")
    if actor.is_admin:
        return officials
    if actor.official is None:
        return officials.none()
    if actor.has_role(Role.HEAD):
        return officials.filter(department=actor.official.department)
    return officials.filter(pk=actor.official.pk)


class ConflictForm(forms.ModelForm):
    takes_user = True

    class Meta:
        model = ConflictOfInterest
        fields = ["official", "institution", "reason", "valid_until"]
        widgets = {"valid_until": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["official"].queryset = officials_for_conflicts(user)
        self.fields["institution"].queryset = institutions_for(user)
        self.fields["institution"].error_messages["invalid_choice"] = _(
            "Choose an institution inside your jurisdiction."
        )
        if self.fields["official"].queryset.count() == 1:
            self.fields["official"].initial = self.fields["official"].queryset.first()


