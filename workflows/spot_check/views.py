"""Task pages of the spot-check process. Each calls one service, then completes its task.

Viewflow wraps these views: ``request.activation`` is the task being done, and POSTs run
under the process lock in a transaction. Who may open a task is checked before (flows.py),
and each service checks the user again.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from supervision.core.models import Department
from supervision.sampling import services
from supervision.sampling.forms import ApprovalForm, PlanForm, RedrawForm
from supervision.sampling.models import SpotCheckPlan
from supervision.sampling.presentation import draw_summary


def _plan(request) -> SpotCheckPlan:
    return services.plan_of_process(request.activation.process.pk)


def _done(request, message):
    """Complete the task and go where Viewflow sends the user next."""
    activation = request.activation
    activation.execute()
    messages.success(request, message, fail_silently=True)
    return redirect(activation.get_success_url(request))


def _page(request, template, plan=None, **context):
    draw = services.current_draw(plan) if plan is not None and plan.pk else None
    visible = draw is not None and (draw.published_at is not None
                                    or services.may_see_unpublished_result(request.user, plan))
    return render(request, template, {
        "activation": request.activation, "task": request.activation.task, "process": request.activation.process,
        "plan": plan, "draw": draw, "summary": draw_summary(draw) if visible else {},
        "title": request.activation.flow_task.task_title, **context,
    })


def _errors_into(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _plan_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.PLAN_FIELDS if name in form.cleaned_data}


def _submit(request, form, plan=None):
    """Submit the plan from a valid form; the plan, or None with the errors put on the form."""
    try:
        return services.submit_plan(
            request.user, _plan_fields(form), form.cleaned_data["items"],
            form.cleaned_data["participating_departments"], plan=plan,
        )
    except ValidationError as e:
        _errors_into(form, e)
        return None


# --- the planner -------------------------------------------------------------------------------


def draft_plan(request, **kwargs):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = _submit(request, form)
        if plan is not None:
            request.activation.process.plan = plan
            return _done(request, _("The plan was submitted for approval."))
    return _page(request, "spot_check/task_plan_form.html", None, form=form)


def revise_plan(request, **kwargs):
    plan = _plan(request)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "withdraw":
        services.withdraw_plan(request.user, plan)
        return _done(request, _("The plan was withdrawn."))
    form = PlanForm(request.POST if action == "resubmit" else None, instance=plan, user=request.user)
    if action == "resubmit" and form.is_valid():
        if _submit(request, form, plan=plan) is not None:
            return _done(request, _("The plan was resubmitted: every department's head is asked again."))
    return _page(request, "spot_check/task_plan_form.html", plan, form=form,
                 returns=services.last_returns(plan), revising=True)


# --- the heads ---------------------------------------------------------------------------------


def approve_plan(request, **kwargs):
    plan = _plan(request)
    department = Department.objects.get(pk=request.activation.task.data["department"])
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        comments = form.cleaned_data["comments"]
        try:
            if request.POST.get("action") == "return":
                services.return_plan(request.user, plan, department, comments)
                message = _("The plan was returned to the planner.")
            else:
                services.approve_plan(request.user, plan, department, comments)
                message = _("Your department approved the plan.")
        except ValidationError as e:
            _errors_into(form, e)
        else:
            return _done(request, message)
    return _page(request, "spot_check/task_approve.html", plan, form=form, department=department)


def confirm_draw(request, **kwargs):
    plan = _plan(request)
    draw = services.current_draw(plan)
    form = RedrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "redraw":
                services.request_redraw(request.user, draw, form.cleaned_data["ground"], form.cleaned_data["reason"])
                message = _("The re-draw was requested: a second head decides on it.")
            else:
                services.confirm_draw(request.user, draw)
                message = _("The draw was confirmed and its result published.")
        except ValidationError as e:
            _errors_into(form, e)
        else:
            return _done(request, message)
    return _page(request, "spot_check/task_confirm.html", plan, form=form,
                 redraws_left=services.redraws_left(plan))


def approve_redraw(request, **kwargs):
    """A second head approves or refuses the lead head's re-draw request (two people)."""
    plan = _plan(request)
    redraw = services.pending_redraw(plan)
    if request.method == "POST" and redraw is not None:
        try:
            if request.POST.get("action") == "refuse":
                services.refuse_redraw(request.user, redraw)
                message = _("The re-draw was refused: the lead head confirms the draw.")
            else:
                services.approve_redraw(request.user, redraw)
                message = _("A new seed was committed for the re-draw; the discarded draw is published.")
        except ValidationError as e:
            return _page(request, "spot_check/task_approve_redraw.html", plan, redraw=redraw, errors=e.messages)
        return _done(request, message)
    return _page(request, "spot_check/task_approve_redraw.html", plan, redraw=redraw, errors=[])


# --- the draw ------------------------------------------------------------------------------------


def run_draw(request, **kwargs):
    plan = _plan(request)
    problems = []
    if request.method == "POST":
        try:
            draw = services.run_draw(request.user, services.current_draw(plan))
        except ValidationError as e:
            problems += e.messages
        else:
            if draw.feasible:
                return _done(request, _("The draw ran: the lead department's head confirms it next."))
            return _done(request, _("The draw is infeasible: nothing was published. "
                                    "The plan goes back to the planner."))
    return _page(request, "spot_check/task_run_draw.html", plan, problems=problems)
