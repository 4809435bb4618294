from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.core.models import RegionLevel
from supervision.registry.creditcode import normalise
from supervision.registry.models import Institution
from supervision.staff.access import regions_for


class CreditCodeField(forms.CharField):
    """Accepts a code as people copy it from a licence (spaces, lower case) and tidies it."""

    def to_python(self, value):
        return normalise(super().to_python(value) or "")


class InstitutionForm(forms.ModelForm):
    """Edit an institution; the street must lie inside the editor's jurisdiction."""

    credit_code = CreditCodeField(label=_("unified social credit code"), max_length=40, required=False)

    takes_user = True

    class Meta:
        model = Institution
        fields = [
            "credit_code", "credit_code_pending_reason", "name", "kind", "ownership", "for_profit", "beds",
            "floor_area", "address", "region", "supervising_district", "legal_representative", "contact_person",
            "contact_phone", "founded_on", "postcode", "filing_status", "operating_status", "latitude", "longitude",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_for(user, RegionLevel.STREET).select_related("parent")
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} / {r.name}"
        self.fields["region"].error_messages["invalid_choice"] = _(
            "Choose a street or township inside your jurisdiction."
        )
        self.fields["supervising_district"].queryset = regions_for(user, RegionLevel.DISTRICT)
        if self.instance.pk and self.instance.credit_code:
            # A code is added once (audited); correcting a wrong one is an administrator's act.
            self.fields["credit_code"].disabled = True
            self.fields["credit_code"].help_text = _("Set once; an administrator corrects a wrong code.")
            del self.fields["credit_code_pending_reason"]


class ImportUploadForm(forms.Form):
    """A spreadsheet to import; its content is checked in the background dry run."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file, with the column headers in the first row."),
    )

    def clean_file(self):
        from django.conf import settings
        from django.template.defaultfilters import filesizeformat

        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the largest file accepted is %(limit)s. Split it into smaller files.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
            )
        return upload
