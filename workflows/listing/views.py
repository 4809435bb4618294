"""Task pages of the listing process. Each calls one service of supervision.listings, then completes
its task (the glue is workflows/pages.py). Who may open a task is its node's rule (flows.py),
checked before; each service checks the user again.
"""

from django import forms as django_forms
from django.utils.translation import gettext as _

from supervision.listings import forms, services
from supervision.listings.models import ListingCase, PartnerNotice
from supervision.listings.views import case_context
from workflows.pages import call_service, finish, task_page


class _NoFields(django_forms.Form):
    pass


def _case(request) -> ListingCase:
    return ListingCase.objects.with_stage().select_related("institution__region__parent", "department").get(
        process__pk=request.activation.process.pk)


def _step(request, form_class, service, message, *, files=None):
    """A step's page: its form, the service called with the cleaned data on a valid POST."""
    case = _case(request)
    posted = request.method == "POST"
    form = form_class(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = dict(form.cleaned_data)
        if files:
            data[files] = request.FILES.getlist(files)  # checked by content in the service
        if call_service(form, service, request.user, case, **data)[0]:
            return finish(request, message)
    return task_page(request, "listings/step.html", form=form, **case_context(request.user, case))


def review(request, **kwargs):
    return _step(request, forms.ReviewForm, services.review_proposal, _("The review was recorded."))


def issue_notice(request, **kwargs):
    return _step(request, _NoFields, services.issue_prior_notice, _("The prior notice was issued."))


def representation(request, **kwargs):
    """The institution states its case, or waives the period in writing; opening it is reading it."""
    services.record_read(request.user, _case(request))
    return _step(request, forms.RepresentationForm, services.submit_representation,
                 _("Your answer was submitted."), files="files")


def review_answer(request, **kwargs):
    return _step(request, forms.AnswerReviewForm, services.review_answer, _("The verification was recorded."))


def decide(request, **kwargs):
    return _step(request, forms.DecisionForm, services.decide, _("The decision was recorded."))


def acknowledge(request, **kwargs):
    """A partner department acknowledges the notice addressed to it (task.data names the notice)."""
    notice = PartnerNotice.objects.select_related("case__institution", "case__department", "department").get(
        pk=request.activation.task.data["notice"], case__process__pk=request.activation.process.pk)
    form = forms.AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, services.acknowledge, request.user, notice, measures=form.cleaned_data["measures"])[0]:
            return finish(request, _("The notice was acknowledged."))
    return task_page(request, "listings/step.html", form=form, **case_context(request.user, notice.case))
