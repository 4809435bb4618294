"""Task pages of the spot-check process. Each calls one service, then completes its task.

The glue (render, service errors into the form, finish) is workflows/pages.py. Who may open a
task is its node's rule (flows.py), checked before; each service checks the user again.
"""

from django.utils.translation import gettext as _

from supervision.core.models import Department
from supervision.sampling import services
from supervision.sampling.forms import ApprovalForm, PlanForm, RedrawForm
from supervision.sampling.models import SpotCheckPlan
from supervision.sampling.presentation import draw_summary
from workflows.pages import call_service, finish, task_page


def _plan(request) -> SpotCheckPlan:
    return services.plan_of_process(request.activation.process.pk)


def _page(request, template, plan=None, **context):
    draw = services.current_draw(plan) if plan is not None and plan.pk else None
    visible = draw is not None and (draw.published_at is not None
                                    or services.may_see_unpublished_result(request.user, plan))
    return task_page(request, template, plan=plan, draw=draw, summary=draw_summary(draw) if visible else {},
                     **context)


def _plan_fields(form) -> dict:
    return {name: form.cleaned_data[name] for name in services.PLAN_FIELDS if name in form.cleaned_data}


def _submit(request, form, plan=None):
    """Submit the plan from a valid form; the plan, or None with the errors put on the form."""
    _ok, submitted = call_service(
        form, services.submit_plan, request.user, _plan_fields(form), form.cleaned_data["items"],
        form.cleaned_data["participating_departments"], plan=plan,
    )
    return submitted


# --- the planner -------------------------------------------------------------------------------


def draft_plan(request, **kwargs):
    form = PlanForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        plan = _submit(request, form)
        if plan is not None:
            request.activation.process.plan = plan
            return finish(request, _("The plan was submitted for approval."))
    return _page(request, "spot_check/task_plan_form.html", None, form=form)


def revise_plan(request, **kwargs):
    plan = _plan(request)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "withdraw":
        services.withdraw_plan(request.user, plan)
        return finish(request, _("The plan was withdrawn."))
    form = PlanForm(request.POST if action == "resubmit" else None, instance=plan, user=request.user)
    if action == "resubmit" and form.is_valid():
        if _submit(request, form, plan=plan) is not None:
            return finish(request, _("The plan was resubmitted: every department's head is asked again."))
    return _page(request, "spot_check/task_plan_form.html", plan, form=form,
                 returns=services.last_returns(plan), revising=True)


# --- the heads ---------------------------------------------------------------------------------


def approve_plan(request, **kwargs):
    plan = _plan(request)
    department = Department.objects.get(pk=request.activation.task.data["department"])
    form = ApprovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "return":
            decide, message = services.return_plan, _("The plan was returned to the planner.")
        else:
            decide, message = services.approve_plan, _("Your department approved the plan.")
        if call_service(form, decide, request.user, plan, department, form.cleaned_data["comments"])[0]:
            return finish(request, message)
    return _page(request, "spot_check/task_approve.html", plan, form=form, department=department)


def confirm_draw(request, **kwargs):
    plan = _plan(request)
    draw = services.current_draw(plan)
    form = RedrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "redraw":
            done = call_service(form, services.request_redraw, request.user, draw, form.cleaned_data["ground"],
                                form.cleaned_data["reason"])[0]
            message = _("The re-draw was requested: a second head decides on it.")
        else:
            done = call_service(form, services.confirm_draw, request.user, draw)[0]
            message = _("The draw was confirmed and its result published.")
        if done:
            return finish(request, message)
    return _page(request, "spot_check/task_confirm.html", plan, form=form,
                 redraws_left=services.redraws_left(plan))


def approve_redraw(request, **kwargs):
    """A second head approves or refuses the lead head's re-draw request (two people)."""
    plan = _plan(request)
    redraw = services.pending_redraw(plan)
    errors = []
    if request.method == "POST" and redraw is not None:
        if request.POST.get("action") == "refuse":
            decide, message = services.refuse_redraw, _("The re-draw was refused: the lead head confirms the draw.")
        else:
            decide, message = services.approve_redraw, _(
                "A new seed was committed for the re-draw; the discarded draw is published.")
        if call_service(errors, decide, request.user, redraw)[0]:
            return finish(request, message)
    return _page(request, "spot_check/task_approve_redraw.html", plan, redraw=redraw, errors=errors)


# --- the draw ------------------------------------------------------------------------------------


def run_draw(request, **kwargs):
    plan = _plan(request)
    problems = []
    if request.method == "POST":
        ran, draw = call_service(problems, services.run_draw, request.user, services.current_draw(plan))
        if ran and draw.feasible:
            return finish(request, _("The draw ran: the lead department's head confirms it next."))
        if ran:
            return finish(request, _("The draw is infeasible: nothing was published. "
                                     "The plan goes back to the planner."))
    return _page(request, "spot_check/task_run_draw.html", plan, problems=problems)
