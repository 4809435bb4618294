"""Desk forms of the credit app: a new rule-set version, a penalty record, a credit event."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.credit import scoring, services
from supervision.credit.models import BreachClass, CreditEventKind, RuleSet


def _cells(kind):
    return scoring.CELLS_OF_KIND.get(kind, ("",))


class RuleSetForm(forms.Form):
    """A new version of a scheme: every number of scoring.RuleSet, checked by scoring.check_rule_set."""

    code = forms.ChoiceField(label=_("Scheme"))
    name = forms.CharField(label=_("Name"), max_length=100)
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}))
    base = forms.DecimalField(label=_("Base score"), max_digits=5, decimal_places=2)
    decay = forms.BooleanField(label=_("Points decay inside the window"), required=False)
    blacklist_grade = forms.ChoiceField(
        label=_("Grade when blacklisted"), required=False,
        choices=[("D", "D"), ("C", "C"), ("", _("No override"))],
    )
    window_minor = forms.IntegerField(label=_("Months a minor event counts"))
    window_general = forms.IntegerField(label=_("Months a general event counts"))
    window_serious = forms.IntegerField(label=_("Months a serious event counts"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, initial_rule_set: RuleSet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted(set(RuleSet.objects.values_list("code", flat=True)))
        self.fields["code"].choices = [(c, c) for c in codes]
        for grade in scoring.GRADES:
            self.fields[f"band_{grade}_low"] = forms.DecimalField(
                label=_("Grade %(grade)s from") % {"grade": grade}, max_digits=5, decimal_places=2)
            self.fields[f"band_{grade}_high"] = forms.DecimalField(
                label=_("Grade %(grade)s below") % {"grade": grade}, max_digits=5, decimal_places=2)
        for kind in CreditEventKind:
            for cell in _cells(kind.value):
                label = f"{kind.label} {cell}".strip()
                # Not required here: a missing cell gets the exact message from check_rule_set.
                self.fields[services.points_field(kind.value, cell)] = forms.DecimalField(
                    label=label, max_digits=6, decimal_places=2, required=False)
        if initial_rule_set is not None and not self.is_bound:
            self.initial.update(self.initial_from(initial_rule_set))

    @staticmethod
    def initial_from(rule_set: RuleSet) -> dict:
        data = {
            "code": rule_set.code, "name": rule_set.name, "base": rule_set.base, "decay": rule_set.decay,
            "blacklist_grade": rule_set.blacklist_grade,
            **{f"window_{c}": m for c, m in rule_set.window_months.items()},
        }
        for band in rule_set.bands:
            data[f"band_{band['grade']}_low"] = band["low"]
            data[f"band_{band['grade']}_high"] = band["high"]
        for kind, cells in rule_set.points.items():
            for cell, points in cells.items():
                data[services.points_field(kind, cell)] = points
        return data

    def band_rows(self):
        return [(self[f"band_{g}_low"], self[f"band_{g}_high"]) for g in scoring.GRADES]

    def points_rows(self):
        return [(kind.label, [self[services.points_field(kind.value, c)] for c in _cells(kind.value)])
                for kind in CreditEventKind]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        points = {}
        for kind in CreditEventKind.values:
            for cell in _cells(kind):
                value = data.get(services.points_field(kind, cell))
                if value is not None:
                    points.setdefault(kind, {})[cell] = value
        self.rules = scoring.RuleSet(
            name=data["code"], effective_from=data["effective_from"], base=data["base"], points=points,
            window_months={c: data[f"window_{c}"] for c in scoring.BREACH_CLASSES}, decay=data["decay"],
            bands=tuple(scoring.Band(g, data[f"band_{g}_low"], data[f"band_{g}_high"]) for g in scoring.GRADES),
            blacklist_grade=data.get("blacklist_grade") or None,
        )
        for field, message in services.rule_set_problems(self.rules, data["code"]):
            self.add_error(field if field in self.fields else None, message)
        return data


class CreditEventForm(forms.Form):
    """An event recorded by hand at the desk: a verified complaint, a commendation, a refused check …"""

    MANUAL_KINDS = (CreditEventKind.INSPECTION_REFUSED, CreditEventKind.COMPLAINT_VERIFIED,
                    CreditEventKind.COMMENDATION, CreditEventKind.GRADING_LEVEL)

    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in MANUAL_KINDS])
    cell = forms.ChoiceField(label=_("Grading level"), required=False,
                             choices=[("", "—"), *[(c, c) for c in scoring.GRADING_LEVELS]])
    breach_class = forms.ChoiceField(label=_("Class"), required=False,
                                     choices=[("", _("Default for the kind")), *BreachClass.choices])
    decided_on = forms.DateField(label=_("Date of the decision"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


ZERO = Decimal(0)
