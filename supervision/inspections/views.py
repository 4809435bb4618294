"""Pages outside the tablet app: the record and notice PDFs, and a planner's case check."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from supervision.core.once import create_once, token_field
from supervision.inspections import access, documents, services
from supervision.inspections.models import ChecklistTemplate, Inspection, InspectionKind
from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for
from supervision.staff.models import Official


@require_GET
def record_pdf(request, pk):
    inspection = access.get_readable_inspection(request.user, pk)
    return documents.record_pdf_response(inspection)


@require_GET
def notice_pdf(request, pk):
    inspection = access.get_readable_inspection(request.user, pk)
    if not inspection.notice_number:
        raise Http404
    return documents.notice_pdf_response(inspection)


class CaseCheckForm(forms.Form):
    institution = forms.ModelChoiceField(label=gettext_lazy("Institution"), queryset=None)
    team = forms.ModelMultipleChoiceField(label=gettext_lazy("Team (at least two inspectors)"), queryset=None)
    checklist = forms.ModelChoiceField(label=gettext_lazy("Checklist"), queryset=None, required=False)
    scheduled_for = forms.DateField(label=gettext_lazy("Date"), required=False)
    reason = forms.CharField(label=gettext_lazy("Complaint or lead"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    # A concern from the public this check follows up (supervision/concerns): linked when created.
    concern = forms.IntegerField(widget=forms.HiddenInput, required=False)
    once = token_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        actor = actor_for(user)
        self.fields["institution"].queryset = institutions_for(user).order_by("name")
        self.fields["team"].queryset = Official.objects.filter(
            department=actor.official.department, user__groups__name="inspector", active=True
        ).distinct().order_by("name")
        latest = ChecklistTemplate.objects.order_by("code", "-version").distinct()
        self.fields["checklist"].queryset = latest

    def clean_concern(self):
        from supervision.concerns.access import get_concern_for_user

        pk = self.cleaned_data.get("concern")
        return get_concern_for_user(self.user, pk) if pk else None

    def clean_team(self):
        team = self.cleaned_data["team"]
        if len(team) < services.MIN_TEAM:
            raise forms.ValidationError(_("A team needs at least two inspectors."))
        return team


def new_case_check(request):
    """个案检查: a planner creates an unannounced check from a complaint or lead (kept with it).

    Posted twice (a double click, a reload), the form creates one inspection (core/once.py).
    """
    if not access.may_plan_case_checks(request.user):
        raise PermissionDenied
    form = CaseCheckForm(request.POST or None, user=request.user, initial=_from_concern(request))
    if form.is_valid():
        data = form.cleaned_data

        def create():
            inspection = services.schedule_inspection(
                request.user, institution=data["institution"], kind=InspectionKind.CASE, team=data["team"],
                announced=False, scheduled_for=data["scheduled_for"], checklist=data["checklist"],
                case_reason=data["reason"], form_token=data["once"],
            )
            if data["concern"] is not None:
                from supervision.concerns.services import link_case_check

                link_case_check(request.user, data["concern"], inspection)
            return inspection

        try:
            _inspection, created = create_once(Inspection, data["once"], create)
        except ValidationError as e:
            for message in e.messages:
                form.add_error(None, message)
        else:
            if created:
                messages.success(request, _("The case check was created (unannounced)."))
            else:
                messages.info(request, _("This form was already sent: the case check exists once."))
            return redirect("field:new_case_check")
    return render(request, "inspections/new_case_check.html", {"form": form, "title": _("New case check")})


def _from_concern(request):
    """A case check opened from a concern: its institution and text as the lead (404 outside reach)."""
    pk = request.GET.get("concern")
    if request.method != "GET" or not pk:
        return None
    from supervision.concerns.access import get_concern_for_user

    concern = get_concern_for_user(request.user, pk)
    return {"concern": concern.pk, "institution": concern.institution_id,
            "reason": (_("Concern from the public %(code)s: %(text)s") % {
                "code": concern.tracking_code, "text": concern.text})[:2000]}
