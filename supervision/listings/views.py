"""Desk pages of the lists: cases with filters and deadlines, each case's timeline and documents,
the actions of each step, and the partner departments' joint-punishment notices.

Views are thin: each action calls one service, which checks the caller. Every page that names a
case looks it up through `access.get_case_for_user` (404 outside reach); an action the user may
not take is 403.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET
from viewflow.utils import Icon

from supervision.core import clock
from supervision.core.models import RegionLevel
from supervision.core.pagination import LookaheadPaginator
from supervision.core.viewsets import ScopedDetailView, ScopedModelViewset
from supervision.listings import access, forms, services
from supervision.listings.documents import render_decision_pdf, render_prior_notice_pdf
from supervision.listings.models import (
    CaseFile,
    Ground,
    ListingCase,
    ListKind,
    PartnerNotice,
    RepairApplication,
    Representation,
    Stage,
)
from supervision.rectification.access import db_id
from supervision.registry.access import get_institution_for_user
from supervision.staff.access import actor_for, regions_for


# Where a step of a case is done when its process serves it (workflows/listing registers it): a
# resolver `(case, step, notice=None) -> url or ""`. The domain does not know the flow exists.
_step_pages = []


def register_step_page(resolver) -> None:
    if resolver not in _step_pages:
        _step_pages.append(resolver)


def step_page(case, step, notice=None) -> str:
    """The page a desk step of the case is done on now, or "" when it is done here."""
    for resolver in _step_pages:
        url = resolver(case, step, notice=notice)
        if url:
            return url
    return ""


def _districts(request):
    return regions_for(request.user if request else None, RegionLevel.DISTRICT)


def with_deadlines(queryset, today=None):
    """Annotate the stage and the deadline flags: acknowledgements overdue, a repair decision overdue."""
    today = today or clock.today()
    late_acknowledgement = PartnerNotice.objects.filter(
        case=OuterRef("pk"), acknowledged_at__isnull=True, lifted_at__isnull=True, acknowledge_by__lt=today)
    late_repair = RepairApplication.objects.filter(case=OuterRef("pk"), decided_at__isnull=True, decide_by__lt=today)
    return queryset.with_stage(today).annotate(
        acknowledgement_overdue=Exists(late_acknowledgement), repair_overdue=Exists(late_repair))


class CaseFilter(django_filters.FilterSet):
    list_kind = django_filters.ChoiceFilter(label=_lazy("List"), choices=ListKind.choices)
    ground = django_filters.ChoiceFilter(label=_lazy("Ground"), choices=Ground.choices)
    stage = django_filters.ChoiceFilter(label=_lazy("Stage"), choices=Stage.choices, field_name="stage_code")
    district = django_filters.ModelChoiceFilter(label=_lazy("District"), field_name="institution__region__parent",
                                                queryset=_districts)
    overdue = django_filters.BooleanFilter(label=_lazy("Deadline overdue"), method="filter_overdue")

    class Meta:
        model = ListingCase
        fields = ["list_kind", "ground", "stage", "district", "overdue"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = Q(acknowledgement_overdue=True) | Q(repair_overdue=True)
        return queryset.filter(late if value else ~late)


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


CASE_EXPORT_COLUMNS = [
    (_lazy("List"), lambda c: c.get_list_kind_display()),
    (_lazy("Subject"), lambda c: c.subject_name),
    (_lazy("Unified social credit code"), lambda c: c.institution.credit_code),
    (_lazy("District"), lambda c: c.institution.region.parent.name),
    (_lazy("Ground"), lambda c: c.get_ground_display()),
    (_lazy("Stage"), lambda c: c.get_stage_display()),
    (_lazy("Proposing department"), lambda c: c.department.name),
    (_lazy("Proposed on"), lambda c: _local_date(c.proposed_at)),
    (_lazy("Prior notice number"), lambda c: c.prior_notice_number),
    (_lazy("Representation deadline"), lambda c: c.representation_deadline),
    (_lazy("Decision number"), lambda c: c.decision_number),
    (_lazy("Listed on"), lambda c: c.listed_on),
    (_lazy("Repair may be applied for from"), lambda c: c.repair_possible_from),
    (_lazy("End of publication"), lambda c: c.publication_ends_on),
    (_lazy("Acknowledgement overdue"), lambda c: c.acknowledgement_overdue),
    (_lazy("Repair decision overdue"), lambda c: c.repair_overdue),
]


def timeline(case):
    """The case's events, oldest first, with who acted."""
    return list(case.events.select_related("actor").order_by("at", "pk"))


class CaseDetailView(ScopedDetailView):
    template_name = "listings/case_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case, user = self.object, self.request.user
        if services.record_read(user, case):
            case = access.get_case_for_user(user, case.pk)
        context.update(case_context(user, case))
        return context


def case_context(user, case) -> dict:
    stage = case.stage
    official, head, operator = (access.is_official_of(user, case), access.is_head_of(user, case),
                                access.is_operator_of(user, case))
    pending_repair = case.repair_applications.filter(decided_at__isnull=True).first()
    actions = []
    if stage == Stage.PROPOSED and access.may_review(user, case):
        actions.append(("review", _("Review the proposal")))
    if official and stage == Stage.TO_NOTIFY:
        actions.append(("prior_notice", _("Issue the prior notice")))
    if official and case.prior_notice_issued_at and not case.delivered_at:
        actions.append(("delivery", _("Record delivery on paper")))
    if operator and stage == Stage.REPRESENTATION and not Representation.objects.filter(case=case).exists():
        actions.append(("answer", _("State your case")))
    if official and stage == Stage.ANSWER_TO_REVIEW:
        actions.append(("answer_review", _("Verify the answer")))
    if head and stage == Stage.TO_DECIDE:
        actions.append(("decide", _("Decide")))
    if operator and stage == Stage.LISTED and not services.repair_refused_reason(case):
        actions.append(("repair", _("Apply for credit repair")))
    if official and pending_repair and pending_repair.reviewed_at is None:
        actions.append(("repair_review", _("Review the repair application")))
    if head and pending_repair and pending_repair.reviewed_at is not None:
        actions.append(("repair_decide", _("Decide on the repair")))
    actor = actor_for(user)
    return {
        "case": case,
        "events": timeline(case),
        "files": case.files.order_by("pk"),
        "representation": Representation.objects.filter(case=case).first(),
        "partner_notices": case.partner_notices.select_related("department").order_by("department__name"),
        "repairs": case.repair_applications.order_by("pk"),
        "actions": actions,
        "flags": services.listing_flags(case.institution) if actor.is_official or actor.is_admin else None,
        "repair_refused": services.repair_refused_reason(case) if operator and stage == Stage.LISTED else "",
        "decision_refused": services.decision_refused_reason(case) if head else "",
        "today": clock.today(),
    }


class CaseViewset(ScopedModelViewset):
    """Every case in the user's reach: lists, grounds, stages and deadlines (the head's view)."""

    model = ListingCase
    icon = Icon("gpp_bad")
    title = _lazy("Listing cases")
    list_columns = ("subject", "list_kind", "ground_code", "stage_label", "deadline", "flags")
    list_filterset_class = CaseFilter
    list_search_fields = ["institution__name", "person_name", "decision_number", "prior_notice_number"]
    list_paginate_by = 25
    list_paginator_class = LookaheadPaginator
    detail_view_class = CaseDetailView
    export_formats = ("xlsx",)
    export_columns = CASE_EXPORT_COLUMNS
    export_filename = "listings"
    create_path = None
    update_path = None

    def scope(self, user, queryset):
        queryset = access.cases_for(user, queryset).select_related("institution__region__parent", "department")
        return with_deadlines(queryset).order_by("-proposed_at", "-pk")

    def can_list(self, user):
        actor = actor_for(user)
        return actor.is_admin or actor.is_official or actor.is_operator

    def subject(self, obj):
        return obj.subject_name

    subject.short_description = _lazy("Subject")

    def ground_code(self, obj):
        return obj.ground if obj.ground.isdigit() else obj.get_ground_display()[:20]

    ground_code.short_description = _lazy("Ground")

    def stage_label(self, obj):
        return obj.get_stage_display()

    stage_label.short_description = _lazy("Stage")

    def deadline(self, obj):
        if obj.stage_code == Stage.REPRESENTATION and obj.representation_deadline:
            return _("representation until %(date)s") % {"date": obj.representation_deadline}
        if obj.stage_code == Stage.LISTED:
            return _("published until %(date)s") % {"date": obj.publication_ends_on}
        return ""

    deadline.short_description = _lazy("Deadline")

    def flags(self, obj):
        words = []
        if obj.acknowledgement_overdue:
            words.append(_("acknowledgement overdue"))
        if obj.repair_overdue:
            words.append(_("repair decision overdue"))
        return "、".join(words)

    flags.short_description = _lazy("Overdue")

    # --- documents and files -----------------------------------------------------------------

    def prior_notice_pdf_view(self, request, pk):
        case = access.get_case_for_user(request.user, pk)
        if case.prior_notice_issued_at is None:
            raise Http404
        services.record_read(request.user, case)
        return _pdf(render_prior_notice_pdf(case), f"prior-notice-{case.pk}.pdf")

    @property
    def prior_notice_pdf_path(self):
        return path("<int:pk>/prior-notice.pdf", require_GET(self.prior_notice_pdf_view), name="prior_notice_pdf")

    def decision_pdf_view(self, request, pk):
        case = access.get_case_for_user(request.user, pk)
        if case.decision_number is None:
            raise Http404
        return _pdf(render_decision_pdf(case), f"decision-{case.pk}.pdf")

    @property
    def decision_pdf_path(self):
        return path("<int:pk>/decision.pdf", require_GET(self.decision_pdf_view), name="decision_pdf")

    def file_view(self, request, pk, file_pk):
        case = access.get_case_for_user(request.user, pk)
        stored = get_object_or_404(CaseFile, pk=db_id(file_pk), case=case)
        try:
            handle = stored.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(handle, content_type=stored.content_type, filename=stored.original_name,
                            as_attachment=stored.content_type == "application/pdf")

    @property
    def file_path(self):
        return path("<int:pk>/files/<int:file_pk>/", require_GET(self.file_view), name="file")

    # --- the steps ---------------------------------------------------------------------------

    def _step(self, request, pk, *, form_class, may, perform, title, with_files=None, initial=None, step=""):
        """One step's page: a form, the service call on POST, back to the case when it is done.

        A step the case's process serves is done on its task page: this page sends the user there.
        """
        case = access.get_case_for_user(request.user, pk)
        if not may(request.user, case):
            raise PermissionDenied
        elsewhere = step_page(case, step)
        if elsewhere:
            return redirect(elsewhere)
        posted = request.method == "POST"  # an empty POST (issue the notice) is still a submission
        form = form_class(request.POST if posted else None, request.FILES if posted else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            files = request.FILES.getlist(with_files) if with_files else []
            try:
                perform(request.user, case, form.cleaned_data, files)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Done: %(step)s.") % {"step": title})
                return redirect("listings:cases:detail", pk=case.pk)
        return render(request, "listings/step.html", {"title": title, "case": case, "form": form,
                                                      **case_context(request.user, case)})

    def review_view(self, request, pk):
        return self._step(request, pk, step="review", form_class=forms.ReviewForm, may=access.may_review,
                          title=_("Review the proposal"),
                          perform=lambda u, c, d, f: services.review_proposal(u, c, agree=d["agree"], note=d["note"]))

    def prior_notice_view(self, request, pk):
        return self._step(request, pk, step="prior_notice", form_class=_EmptyForm, may=access.is_official_of,
                          title=_("Issue the prior notice"),
                          perform=lambda u, c, d, f: services.issue_prior_notice(u, c))

    def delivery_view(self, request, pk):
        return self._step(request, pk, form_class=forms.DeliveryForm, may=access.is_official_of,
                          title=_("Record delivery on paper"),
                          perform=lambda u, c, d, f: services.record_delivery(
                              u, c, received_by_name=d["received_by_name"]))

    def answer_view(self, request, pk):
        return self._step(request, pk, step="answer", form_class=forms.RepresentationForm, may=access.is_operator_of,
                          title=_("State your case"), with_files="files",
                          perform=lambda u, c, d, f: services.submit_representation(
                              u, c, statement=d["statement"], waiver=d["waiver"], files=f))

    def answer_review_view(self, request, pk):
        return self._step(request, pk, step="answer_review", form_class=forms.AnswerReviewForm, may=access.is_official_of,
                          title=_("Verify the answer"),
                          perform=lambda u, c, d, f: services.review_answer(
                              u, c, founded=d["founded"], review=d["review"]))

    def decide_view(self, request, pk):
        return self._step(request, pk, step="decide", form_class=forms.DecisionForm, may=access.is_head_of, title=_("Decide"),
                          perform=lambda u, c, d, f: services.decide(
                              u, c, decision=d["decision"], reasons=d["reasons"]))

    def repair_view(self, request, pk):
        return self._step(request, pk, form_class=forms.RepairForm, may=access.is_operator_of,
                          title=_("Apply for credit repair"), with_files="files",
                          perform=lambda u, c, d, f: services.apply_for_repair(
                              u, c, rectification_done=d["rectification_done"], commitment=d["commitment"],
                              files=f))

    def repair_review_view(self, request, pk):
        return self._step(request, pk, form_class=forms.RepairReviewForm, may=access.is_official_of,
                          title=_("Review the repair application"),
                          perform=lambda u, c, d, f: services.review_repair(u, _pending_repair(c), note=d["note"]))

    def repair_decide_view(self, request, pk):
        return self._step(request, pk, form_class=forms.RepairDecisionForm, may=access.is_head_of,
                          title=_("Decide on the repair"),
                          perform=lambda u, c, d, f: services.decide_repair(
                              u, _pending_repair(c), grant=d["grant"], reasons=d["reasons"],
                              reapply_from=d["reapply_from"]))

    def _get_urls(self):
        steps = [("review", self.review_view), ("prior_notice", self.prior_notice_view),
                 ("delivery", self.delivery_view), ("answer", self.answer_view),
                 ("answer_review", self.answer_review_view), ("decide", self.decide_view),
                 ("repair", self.repair_view), ("repair_review", self.repair_review_view),
                 ("repair_decide", self.repair_decide_view)]
        return super()._get_urls() + [
            path(f"<int:pk>/{name.replace('_', '-')}/", view, name=name) for name, view in steps
        ]


class _EmptyForm(forms.forms.Form):
    pass


def _pending_repair(case) -> RepairApplication:
    application = case.repair_applications.filter(decided_at__isnull=True).first()
    if application is None:
        raise ValidationError(_("There is no repair application waiting."))
    return application


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _add_errors(form, error: ValidationError):
    """A service's refusal next to its field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- pages outside a case ---------------------------------------------------------------------


def propose(request, institution_pk):
    """An official proposes listing an institution, or a person working there."""
    institution = get_institution_for_user(request.user, institution_pk)
    if not access.may_propose(request.user, institution):
        raise PermissionDenied
    posted = request.method == "POST"
    form = forms.ProposalForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.propose(
                request.user, institution, list_kind=data["list_kind"], ground=data["ground"], facts=data["facts"],
                evidence=request.FILES.getlist("evidence"), subject_kind=data["subject_kind"],
                person_name=data["person_name"], person_role=data["person_role"],
                court_ruling_number=data["court_ruling_number"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The proposal was recorded; a second official reviews it."))
            return redirect("listings:cases:detail", pk=case.pk)
    return render(request, "listings/propose.html", {
        "title": _("Propose a listing"), "institution": institution, "form": form,
        "flags": services.listing_flags(institution)})


@require_GET
def institution_status(request, institution_pk):
    """An institution as the lists see it: listed or not, not eligible for grading or subsidies, its
    legal representative's name found among listed persons, and its cases (officials only)."""
    actor = actor_for(request.user)
    if not (actor.is_official or actor.is_admin):
        raise PermissionDenied
    institution = get_institution_for_user(request.user, institution_pk)
    cases = access.cases_for(request.user).filter(institution=institution).with_stage().select_related(
        "institution", "department")
    return render(request, "listings/institution_status.html", {
        "title": _("Listing status"), "institution": institution, "flags": services.listing_flags(institution),
        "cases": cases, "may_propose": access.may_propose(request.user, institution)})


@require_GET
def partner_notices(request):
    """Joint-punishment notices addressed to the user's department, unacknowledged first."""
    actor = actor_for(request.user)
    if not (actor.is_official or actor.is_admin):
        raise PermissionDenied
    notices = (
        access.partner_notices_for(request.user)
        .select_related("case__institution", "case__department", "department")
        .order_by("acknowledged_at", "-sent_at", "-pk")
    )
    page = LookaheadPaginator(notices, 25).get_page(request.GET.get("page"))
    return render(request, "listings/partner_notices.html", {
        "title": _("Joint-punishment notices"), "page": page, "today": clock.today()})


def partner_notice(request, pk):
    notice = get_object_or_404(
        access.partner_notices_for(request.user).select_related("case__institution", "case__department",
                                                                "department"), pk=db_id(pk))
    form = forms.AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not access.may_acknowledge(request.user, notice):
            raise PermissionDenied
        elsewhere = step_page(notice.case, "acknowledge", notice=notice)
        if elsewhere:  # the process serves the acknowledgement: done on its task page
            return redirect(elsewhere)
        if form.is_valid():
            services.acknowledge(request.user, notice, measures=form.cleaned_data["measures"])
            messages.success(request, _("The notice was acknowledged."))
            return redirect("listings:partner_notice", pk=notice.pk)
    return render(request, "listings/partner_notice.html", {
        "title": _("Joint-punishment notice"), "notice": notice, "case": notice.case, "form": form,
        "may_acknowledge": notice.acknowledged_at is None and access.may_acknowledge(request.user, notice),
        "today": clock.today()})


def listing_urlpatterns() -> list:
    """The lists' pages outside a case: the proposal, an institution's status, the partner notices
    (served in the listing process's desk application, workflows/listing/desk.py)."""
    return [
        path("propose/<int:institution_pk>/", propose, name="propose"),
        path("institutions/<int:institution_pk>/", institution_status, name="institution"),
        path("partner-notices/", partner_notices, name="partner_notices"),
        path("partner-notices/<int:pk>/", partner_notice, name="partner_notice"),
    ]
