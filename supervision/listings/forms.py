"""Forms of the listing pages. The rules are the services'; these only collect the input.

File fields render the chooser; the files themselves are read from request.FILES and checked by
content in the services (supervision.rectification.uploads).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.listings.models import Decision, Ground, ListKind, PersonRole, SubjectKind
from supervision.rectification.forms import BIG, TEXTAREA, DateInput, MultipleFileInput


class FilesField(forms.FileField):
    """Several files; their content is checked by the service, which names each file it refuses."""

    def clean(self, data, initial=None):
        return [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]


def _files(label):
    return FilesField(label=label, required=False, widget=MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}))


class ProposalForm(forms.Form):
    list_kind = forms.ChoiceField(label=_("List"), choices=ListKind.choices, widget=forms.RadioSelect,
                                  initial=ListKind.BLACKLIST)
    ground = forms.ChoiceField(label=_("Ground"), choices=[("", "—")] + Ground.choices, required=False,
                               widget=forms.Select(attrs=BIG))
    subject_kind = forms.ChoiceField(label=_("Subject"), choices=SubjectKind.choices, widget=forms.RadioSelect,
                                     initial=SubjectKind.INSTITUTION)
    person_name = forms.CharField(label=_("Person's name"), max_length=50, required=False,
                                  widget=forms.TextInput(attrs=BIG))
    person_role = forms.ChoiceField(label=_("Person's role"), choices=[("", "—")] + PersonRole.choices,
                                    required=False, widget=forms.Select(attrs=BIG))
    facts = forms.CharField(label=_("Facts"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    court_ruling_number = forms.CharField(label=_("Court ruling number"), max_length=100, required=False,
                                          widget=forms.TextInput(attrs=BIG))
    evidence = _files(_("Evidence (photos or PDF)"))


class ReviewForm(forms.Form):
    agree = forms.TypedChoiceField(label=_("Review"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                   choices=[("yes", _("Take the proposal forward")),
                                            ("no", _("Do not take it forward"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class DeliveryForm(forms.Form):
    received_by_name = forms.CharField(label=_("Signed for by"), max_length=50, required=False,
                                       widget=forms.TextInput(attrs=BIG))


class RepresentationForm(forms.Form):
    waiver = forms.BooleanField(label=_("We waive the representation period in writing"), required=False)
    statement = forms.CharField(label=_("Statement"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    files = _files(_("Supporting files (photos or PDF)"))


class AnswerReviewForm(forms.Form):
    founded = forms.TypedChoiceField(label=_("Finding on the answer"), coerce=lambda v: v == "yes",
                                     widget=forms.RadioSelect,
                                     choices=[("no", _("The objection is not founded")),
                                              ("yes", _("The objection is founded"))])
    review = forms.CharField(label=_("What was verified"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class RepairForm(forms.Form):
    rectification_done = forms.CharField(label=_("Rectification done"), required=False,
                                         widget=forms.Textarea(attrs=TEXTAREA))
    commitment = forms.CharField(label=_("Public credit commitment"), required=False,
                                 widget=forms.Textarea(attrs=TEXTAREA))
    files = _files(_("Proof of the rectification (photos or PDF)"))


class RepairReviewForm(forms.Form):
    note = forms.CharField(label=_("What was verified"), required=False, widget=forms.Textarea(attrs=TEXTAREA))


class RepairDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                   choices=[("yes", _("Grant the repair")), ("no", _("Refuse the repair"))])
    reasons = forms.CharField(label=_("Reasons"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    reapply_from = forms.DateField(label=_("May apply again from (if refused)"), required=False, widget=DateInput())


class AcknowledgeForm(forms.Form):
    measures = forms.CharField(label=_("Measures your department applies"), required=False,
                               widget=forms.Textarea(attrs=TEXTAREA))
