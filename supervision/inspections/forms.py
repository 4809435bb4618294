"""Desk forms of an inspection: the notice (检查通知书), its delivery, the head's review."""

from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.inspections.models import NoticeDelivery, ReviewOutcome


class NoticeForm(forms.Form):
    scheduled_for = forms.DateField(label=_("Date of the check"), widget=forms.DateInput(attrs={"type": "date"}))


class NoticeDeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How the notice was delivered"),
        choices=[(value, label) for value, label in NoticeDelivery.choices if value != NoticeDelivery.ON_ARRIVAL],
    )
    received_by = forms.CharField(label=_("Received by"), max_length=60, required=False)


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices, widget=forms.RadioSelect,
                                initial=ReviewOutcome.APPROVED)
    comment = forms.CharField(label=_("Remarks for the team"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
