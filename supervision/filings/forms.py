"""Forms of the filing pages: the institution's application (phone-sized), the office's check."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Department, DepartmentKind, Region, RegionLevel
from supervision.filings.models import Filing, FilingKind
from supervision.staff.models import Official

BIG = {"style": "min-height: 44px; width: 100%; box-sizing: border-box; font-size: 16px"}
TEXTAREA = {"rows": 4, "style": "width: 100%; box-sizing: border-box; font-size: 16px"}

KIND_FIELDS = {
    FilingKind.INITIAL: [
        "name", "credit_code", "address", "region", "legal_representative", "for_profit", "registration_level",
        "office", "premises_title", "premises_title_note", "beds", "floor_area", "contact_person", "contact_phone",
        "first_resident_on",
    ],
    FilingKind.CHANGE: ["name", "legal_representative", "premises_title", "premises_title_note", "beds",
                        "floor_area", "contact_person", "contact_phone"],
    FilingKind.CLOSURE: ["closure_on", "resettlement_plan", "contact_person", "contact_phone"],
}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={**BIG, **(attrs or {})}, format="%Y-%m-%d")


class FilingForm(forms.ModelForm):
    """The five items of Art. 11 (or what a change or closure filing covers).

    Every field is optional here: a draft keeps what was typed. Completeness is the service's
    check on submission (services.submission_problems), shown next to the same fields.
    """

    class Meta:
        model = Filing
        fields = KIND_FIELDS[FilingKind.INITIAL] + ["closure_on", "resettlement_plan"]
        widgets = {
            "first_resident_on": DateInput(), "closure_on": DateInput(),
            "resettlement_plan": forms.Textarea(attrs=TEXTAREA),
        }
        error_messages = {
            "beds": {"invalid": _("Enter the number of beds as a whole number, for example 60.")},
            "floor_area": {"invalid": _("Enter the floor area as a number of square metres, for example 1250.5.")},
            "first_resident_on": {"invalid": _("Enter a date such as 2026-11-02.")},
            "closure_on": {"invalid": _("Enter a date such as 2026-11-02.")},
        }

    def __init__(self, *args, filing: Filing, **kwargs):
        super().__init__(*args, instance=filing, **kwargs)
        for name in list(self.fields):
            if name not in KIND_FIELDS[filing.kind]:
                del self.fields[name]
        for field in self.fields.values():
            field.required = False
            if not isinstance(field.widget, forms.CheckboxInput | forms.Textarea | forms.DateInput):
                field.widget.attrs.update(BIG)
        if "floor_area" in self.fields:
            self.fields["floor_area"].widget = forms.TextInput(attrs={**BIG, "inputmode": "decimal"})
        if "beds" in self.fields:
            self.fields["beds"].widget.attrs["inputmode"] = "numeric"
        if "region" in self.fields:
            # The streets of the institution's city: a phone-sized list, not the country's.
            city = filing.institution.region.parent.parent if filing.institution.region.parent else None
            streets = Region.objects.filter(level=RegionLevel.STREET)
            if city is not None:
                streets = streets.within(city)
            self.fields["region"].queryset = streets.select_related("parent")
            self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} {r.name}" if r.parent else r.name
        if "office" in self.fields:
            self.fields["office"].queryset = Department.objects.filter(kind=DepartmentKind.CIVIL_AFFAIRS)
            self.fields["office"].help_text = _(
                "For-profit: the county civil-affairs office of the premises. Non-profit: the civil-affairs "
                "office at the level of the registration authority.")
        if "credit_code" in self.fields:
            self.fields["credit_code"].widget.attrs.update({"autocapitalize": "characters", "maxlength": 18})

    def _post_clean(self):
        # The model's own checks run on submission, against the whole filing, not here.
        pass

    def valid_values(self) -> dict:
        """The fields that parsed (after is_valid()): saved with the draft even if others did not.

        A field the request did not send is left alone (an unticked checkbox is sent as nothing,
        so it counts only when the rest of the form came with it).
        """
        sent = {self.add_prefix(name) for name in self.fields} & set(self.data)
        values = {}
        for name in self.fields:
            if name not in self.cleaned_data or name in self.errors:
                continue
            checkbox = isinstance(self.fields[name].widget, forms.CheckboxInput)
            if self.add_prefix(name) in self.data or (checkbox and sent):
                values[name] = self.cleaned_data[name]
        return values


class CertificateForm(forms.Form):
    certificate = forms.FileField(
        label=_("Registration certificate"), required=False,
        help_text=_("A PDF, or a photo (JPEG or PNG), at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )


class SignatureForm(forms.Form):
    signer_name = forms.CharField(label=_("Name of the legal representative or principal"), max_length=50,
                                  required=False, widget=forms.TextInput(attrs=BIG))
    confirm = forms.BooleanField(
        label=_("I confirm the commitment above, and that the filing materials are true (对真实性负责)."),
        required=False)


class CheckForm(forms.Form):
    """The office's completeness check: accepted, or returned with what to add."""

    ACCEPT, RETURN = "accept", "return"
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (ACCEPT, _("Complete: accept and issue the receipt")),
        (RETURN, _("Incomplete: return for completion")),
    ])
    note = forms.CharField(label=_("What the institution must add or correct"), required=False,
                           widget=forms.Textarea(attrs=TEXTAREA))
    team = forms.ModelMultipleChoiceField(label=_("Verification team (two inspectors)"), required=False,
                                          queryset=Official.objects.none(),
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, office=None, suggested=(), **kwargs):
        super().__init__(*args, **kwargs)
        if office is not None:
            self.fields["team"].queryset = Official.objects.inspectors().filter(department=office).distinct()
        self.fields["team"].initial = [o.pk for o in suggested]

    def clean(self):
        data = super().clean()
        if data.get("decision") == self.RETURN and not (data.get("note") or "").strip():
            self.add_error("note", _("Say what the institution must add or correct."))
        team = data.get("team")
        if data.get("decision") == self.ACCEPT and team is not None and 0 < len(team) < 2:
            self.add_error("team", _("Choose two inspectors (or none to take the suggested ones)."))
        return data


class UnfiledForm(forms.Form):
    found_on = forms.DateField(label=_("Found housing residents on"), widget=DateInput(),
                               error_messages={"invalid": _("Enter a date such as 2026-11-02.")})
