"""Forms of the rectification pages (desk; the field UI will reuse them)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.core.once import token_field
from supervision.inspections.models import Finding
from supervision.rectification.models import (
    DeliveryMethod,
    RecheckMethod,
    RecheckOutcome,
    RectificationReport,
)
from supervision.rectification.services import MAX_EXTENSION_DAYS

BIG = {"style": "min-height: 44px; width: 100%; box-sizing: border-box; font-size: 16px"}
TEXTAREA = {"rows": 3, "style": "width: 100%; box-sizing: border-box; font-size: 16px"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={**BIG, **(attrs or {})}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FindingForm(forms.ModelForm):
    """A finding recorded at the desk (until the field UI records them on the tablet)."""

    once = token_field()

    class Meta:
        model = Finding
        fields = ["item_code", "item_title", "description", "severity", "major_hazard", "fire_hazard",
                  "legal_basis", "needs_rectification"]
        widgets = {
            "item_code": forms.TextInput(attrs=BIG),
            "item_title": forms.TextInput(attrs=BIG),
            "description": forms.Textarea(attrs=TEXTAREA),
            "legal_basis": forms.Textarea(attrs=TEXTAREA),
            "severity": forms.Select(attrs=BIG),
        }

    def clean(self):
        data = super().clean()
        # A major-hazard item is at least immediate jeopardy (DOMAIN.md §5).
        if data.get("major_hazard") and data.get("severity") and data["severity"] not in "JKL":
            self.add_error("severity", _("A major accident hazard is at least immediate jeopardy (J, K or L)."))
        return data


class NoticeForm(forms.Form):
    facts = forms.CharField(label=_("Facts found"), widget=forms.Textarea(attrs=TEXTAREA))
    working_days = forms.IntegerField(label=_("Working days to rectify"), min_value=1, max_value=365,
                                      widget=forms.NumberInput(attrs=BIG))
    recheck_method = forms.ChoiceField(label=_("Re-check"), choices=RecheckMethod.choices,
                                       widget=forms.RadioSelect)

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = list(findings)
        for finding in self.findings:
            self.fields[f"measures_{finding.pk}"] = forms.CharField(
                label=_("Measures required: %(item)s") % {"item": finding.item_title},
                widget=forms.Textarea(attrs=TEXTAREA),
            )

    def measures(self) -> dict:
        return {f.pk: self.cleaned_data.get(f"measures_{f.pk}", "") for f in self.findings}

    def measure_fields(self):
        return [(f, self[f"measures_{f.pk}"]) for f in self.findings]


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(label=_("Delivery"), choices=DeliveryMethod.choices, widget=forms.RadioSelect)
    received_by_name = forms.CharField(label=_("Signed for by"), max_length=50, required=False,
                                       widget=forms.TextInput(attrs=BIG))


class PlanForm(forms.ModelForm):
    """The five elements of a plan of correction (DOMAIN.md §5)."""

    class Meta:
        model = RectificationReport
        fields = ["correction_for_affected", "others_at_risk", "systemic_changes", "monitoring", "completion_date"]
        widgets = {
            "correction_for_affected": forms.Textarea(attrs=TEXTAREA),
            "others_at_risk": forms.Textarea(attrs=TEXTAREA),
            "systemic_changes": forms.Textarea(attrs=TEXTAREA),
            "monitoring": forms.Textarea(attrs=TEXTAREA),
            "completion_date": DateInput(),
        }


class AnswerForm(forms.Form):
    """The institution's answer for one finding, with evidence files."""

    measures_taken = forms.CharField(label=_("Measures taken"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    responsible_person = forms.CharField(label=_("Person responsible"), required=False, max_length=50,
                                         widget=forms.TextInput(attrs=BIG))
    completed_on = forms.DateField(label=_("Completed on"), required=False, widget=DateInput())
    evidence = forms.FileField(
        label=_("Evidence (photos or PDF)"), required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf", "style": "min-height: 44px"}),
    )


class ExtensionForm(forms.Form):
    reason = forms.CharField(label=_("Why you need more time"), widget=forms.Textarea(attrs=TEXTAREA))
    extra_days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=MAX_EXTENSION_DAYS,
                                    widget=forms.NumberInput(attrs=BIG))


class ExtensionDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
        choices=[("yes", _("Grant")), ("no", _("Refuse"))],
    )
    extra_days = forms.IntegerField(label=_("Working days granted"), min_value=1, required=False,
                                    widget=forms.NumberInput(attrs=BIG))
    note = forms.CharField(label=_("Note to the institution"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class RecheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=RecheckOutcome.choices, widget=forms.RadioSelect)
    method = forms.ChoiceField(label=_("Method"), choices=RecheckMethod.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Findings of the re-check"), required=False,
                              widget=forms.Textarea(attrs=TEXTAREA))
    working_days = forms.IntegerField(
        label=_("New deadline in working days (if failed)"), min_value=1, required=False,
        widget=forms.NumberInput(attrs=BIG),
    )
