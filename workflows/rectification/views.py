"""Task pages of the rectification process. Each calls one service, then completes its task.

The glue (render, service errors into the form, finish) is workflows/pages.py. Who may open a
task is its node's rule (flows.py), checked before; each service checks the user again.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from supervision.rectification import services, uploads
from supervision.rectification.deadlines import day_range_for
from supervision.rectification.forms import (
    AnswerForm,
    ExtensionForm,
    PlanForm,
    RecheckForm,
)
from supervision.rectification.models import RecheckOutcome, RectificationNotice
from workflows.pages import call_service, finish, task_page


def _notice(request) -> RectificationNotice:
    return (
        RectificationNotice.objects.select_related("institution", "department", "inspection")
        .prefetch_related("items__finding")
        .get(process__pk=request.activation.process.pk)
    )


def _page(request, template, notice, **context):
    return task_page(request, template, notice=notice, **context)


# --- the institution ---------------------------------------------------------------------------


def submit_report(request, **kwargs):
    """The operator answers each finding with measures, person, date and evidence, and the plan."""
    notice = _notice(request)
    services.record_read(request.user, notice)
    report = services.draft_report(request.user, notice)
    items = list(report.items.select_related("notice_item__finding").prefetch_related("evidence"))
    action = request.POST.get("action") if request.method == "POST" else None
    bound = action == "submit"
    plan_form = PlanForm(request.POST if bound else None, instance=report, prefix="plan")
    answer_forms = [
        (item, AnswerForm(
            request.POST if bound else None, prefix=f"item-{item.notice_item_id}",
            initial={"measures_taken": item.measures_taken, "responsible_person": item.responsible_person,
                     "completed_on": item.completed_on},
        ))
        for item in items
    ]
    extension_form = ExtensionForm(request.POST if action == "extension" else None, prefix="ext")
    problems: list[str] = []

    if action == "extension" and extension_form.is_valid():
        if call_service(problems, services.request_extension, request.user, notice,
                        reason=extension_form.cleaned_data["reason"],
                        extra_days=extension_form.cleaned_data["extra_days"])[0]:
            # A side action: the report task stays open and the deadline keeps running.
            messages.success(request, _("Your extension request was sent to the department head."),
                             fail_silently=True)
            return redirect(request.get_full_path())

    if bound:
        # Files first: an accepted file is kept with the draft even if something else is wrong.
        for item, form in answer_forms:
            for upload in request.FILES.getlist(f"item-{item.notice_item_id}-evidence"):
                _evidence, message = services.attach_evidence(request.user, item, upload)
                if message:
                    form.add_error(None, message)
                    problems.append(message)
        valid = plan_form.is_valid() & all([form.is_valid() for _item, form in answer_forms])
        if valid:
            services.save_report_answers(
                request.user, report,
                plan={f: plan_form.cleaned_data[f] for f in services.PLAN_FIELDS},
                answers={item.notice_item_id: {f: form.cleaned_data[f] for f in services.ANSWER_FIELDS}
                         for item, form in answer_forms},
            )
        if valid and not problems:
            if call_service(problems, services.submit_report, request.user, notice, report)[0]:
                return finish(request, _("Your rectification report was submitted."))
        elif not problems:
            problems.append(_("Some answers need correcting; see the marked fields."))
        items = list(report.items.select_related("notice_item__finding").prefetch_related("evidence"))
        answer_forms = [(item, form) for item, (_old, form) in zip(items, answer_forms)]

    last_failed = notice.rechecks.filter(outcome=RecheckOutcome.FAILED).order_by("-pk").first()
    refused = notice.extension_requests.filter(granted=False).order_by("-pk").first()
    return _page(request, "rectification/task_submit_report.html", notice,
                 plan_form=plan_form, answer_forms=answer_forms, extension_form=extension_form,
                 problems=problems, last_failed=last_failed, refused=refused, max_size=uploads.max_bytes(),
                 may_extend=services.may_request_extension(notice))


# --- the head ----------------------------------------------------------------------------------


def approve_closure(request, **kwargs):
    notice = _notice(request)
    problems = []
    if request.method == "POST" and call_service(problems, services.close_rectification, request.user, notice)[0]:
        return finish(request, _("The rectification is closed."))
    return _page(request, "rectification/task_approve_closure.html", notice, problems=problems,
                 **_report_context(notice))


# --- the inspectors ----------------------------------------------------------------------------


def _report_context(notice):
    report = (
        notice.reports.filter(submitted_at__isnull=False)
        .prefetch_related("items__notice_item__finding", "items__evidence")
        .order_by("-submitted_at", "-pk").first()
    )
    return {"report": report, "rechecks": notice.rechecks.select_related("report").order_by("pk")}


def recheck(request, **kwargs):
    notice = _notice(request)
    day_range = day_range_for([item.finding.severity for item in notice.items.all()])
    form = RecheckForm(request.POST or None, initial={"method": notice.recheck_method,
                                                      "working_days": day_range.default})
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(problems, services.record_recheck, request.user, notice, outcome=data["outcome"],
                        reasons=data["reasons"], method=data["method"], working_days=data["working_days"])[0]:
            return finish(request, _("The re-check was recorded."))
    return _page(request, "rectification/task_recheck.html", notice, form=form, problems=problems,
                 day_range=day_range, **_report_context(notice))
