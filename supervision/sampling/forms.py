"""Forms of the spot-check pages: the planner's plan, the heads' decisions, the draw steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.registry.models import InstitutionKind
from supervision.sampling.models import CheckItem, RedrawGround, SpotCheckPlan
from supervision.sampling.services import eligible_departments, with_a_head
from supervision.staff.access import actor_for, regions_for

BIG = {"style": "min-height: 44px; width: 100%; box-sizing: border-box; font-size: 16px"}
TEXTAREA = {"rows": 3, "style": "width: 100%; box-sizing: border-box; font-size: 16px"}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={**BIG, **(attrs or {})}, format="%Y-%m-%d")


class _RegionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.get_level_display()})"


class PlanForm(forms.ModelForm):
    """The planner's plan: scope, items, departments, mode and ratios (defaults filled), teams.

    The region choices are the planner's jurisdiction, the departments those whose jurisdiction
    overlaps it; services.submit_plan checks both again against the chosen region.
    """

    institution_kinds = forms.MultipleChoiceField(
        label=_("Scope: institution kinds"), choices=InstitutionKind.choices, widget=forms.CheckboxSelectMultiple,
        initial=[InstitutionKind.RESIDENTIAL],
    )

    class Meta:
        model = SpotCheckPlan
        fields = [
            "name", "period_start", "period_end", "check_kind", "region", "institution_kinds", "items",
            "participating_departments", "mode", "ratio_a", "ratio_b", "ratio_c", "ratio_d", "unrated_as",
            "team_size", "max_targets_per_inspector",
        ]
        widgets = {
            "name": forms.TextInput(attrs=BIG),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "check_kind": forms.RadioSelect,
            "items": forms.CheckboxSelectMultiple,
            "participating_departments": forms.CheckboxSelectMultiple,
            "mode": forms.RadioSelect,
            "ratio_a": forms.NumberInput(attrs={**BIG, "step": "0.01"}),
            "ratio_b": forms.NumberInput(attrs={**BIG, "step": "0.01"}),
            "ratio_c": forms.NumberInput(attrs={**BIG, "step": "0.01"}),
            "ratio_d": forms.NumberInput(attrs={**BIG, "step": "0.01"}),
            "unrated_as": forms.Select(attrs=BIG),
            "team_size": forms.NumberInput(attrs=BIG),
            "max_targets_per_inspector": forms.NumberInput(attrs=BIG),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        actor = actor_for(user)
        own = actor.official.department if actor.official else None
        regions = regions_for(user) if own else regions_for(user).none()
        self.fields["region"] = _RegionChoice(
            label=_("Scope: region"), queryset=regions, widget=forms.Select(attrs=BIG),
            initial=own.region_id if own else None,
        )
        self.fields["items"].queryset = CheckItem.objects.filter(active=True)
        field = self.fields["participating_departments"]
        eligible = eligible_departments(own.region).exclude(pk=own.pk) if own else field.queryset.none()
        field.queryset = with_a_head(eligible)
        field.required = False
        field.help_text = _(
            "For a joint check (部门联合): each department sends an inspector, and its head approves the plan."
        )
        headless = list(eligible.exclude(pk__in=field.queryset.values("pk")).values_list("name", flat=True))
        if headless:
            field.help_text = "{} {}".format(field.help_text, _(
                "Not offered, because they have no head to approve a plan: %(names)s."
            ) % {"names": "、".join(headless)})
        self.fields["team_size"].min_value = 2

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        return data


class ApprovalForm(forms.Form):
    comments = forms.CharField(
        label=_("Comments"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required when you return the plan: say what must change."),
    )


class RedrawForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground for a re-draw"), required=False, choices=[("", "—"), *RedrawGround.choices],
        widget=forms.Select(attrs=BIG),
        help_text=_("A second head must approve a re-draw. It is published together with the discarded draw, "
                    "this ground and the explanation."),
    )
    reason = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("Required for the ground \"Other\"."),
    )
