"""Spot-check plan (双随机、一公开): from the planner's draft to published targets with teams.

The planner drafts the plan → the head of every participating department approves it or returns
it with comments (asked in parallel, one task per department; one return ends the round and
sends the plan back to the planner, and a resubmission asks every head again) → the seed is
committed and its SHA-256 published with the hashes of the frozen inputs → the planner (or the
lead head) runs the draw → an infeasible draw goes back to the planner with its problems and
is published with its problems and goes back to the planner → the lead head confirms, or asks
for a re-draw on a ground from a fixed list, which a second head approves or refuses (at most
SPOT_CHECK_MAX_REDRAWS per plan; the discarded draw is published too) → the result is published
and one inspection is created per target.

Each node calls a service of supervision.sampling; the facts live there.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.utils import is_owner
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.nodes.split import SplitActivation

from supervision.core.models import Department
from supervision.sampling import services
from supervision.sampling.models import SpotCheckPlan
from supervision.staff.access import actor_for
from workflows.spot_check import views
from workflows.spot_check.models import SpotCheckProcess


def plan_of(activation_or_task) -> SpotCheckPlan:
    return services.plan_of_process(activation_or_task.process.pk)


def task_department(task) -> Department | None:
    pk = (task.data or {}).get("department")
    return Department.objects.filter(pk=pk).first() if pk else None


class ForEachActivation(SplitActivation):
    """A split that creates one task per item of a branch's ``data_source`` (``task.data`` = item).

    Viewflow's open edition documents ``data_source`` but creates each branch once; this is
    the small part that is missing.
    """

    @Activation.status.super()
    def activate(self):
        for node, case, data_source in self.flow_task._branches:
            if case and not case(self):
                continue
            for data in data_source(self) if data_source else [None]:
                self.next_tasks.append((node, data))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class ForEach(flow.Split):
    activation_class = ForEachActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self


class ScopedView(flow.View):
    """A human task whose doers follow a domain rule (``may_act(user, plan, task)``), not a Django
    permission. Task pages are reached only through the plan's jurisdiction scope (desk.py); here
    we decide who may take and do the task. No cancel, undo or revive from the desk."""

    cancel_view_class = None
    undo_view_class = None
    revive_view_class = None

    def __init__(self, view, may_act, **kwargs):
        super().__init__(view, **kwargs)
        self._may_act = may_act

    def may_act(self, user, task) -> bool:
        return user is not None and user.is_authenticated and self._may_act(user, plan_of(task), task)

    def can_assign(self, user, task):
        return task.owner_id is None and self.may_act(user, task)

    def can_execute(self, user, task):
        return is_owner(task.owner, user) and self.may_act(user, task)


def _may_approve(user, plan, task):
    return services.is_head_of(user, task_department(task))


def _may_revise(user, plan, task):
    return services.may_revise(user, plan)


def _may_run_draw(user, plan, task):
    return services.may_run_draw(user, plan)


def _is_lead_head(user, plan, task):
    return services.is_head_of(user, plan.department)


def _may_decide_redraw(user, plan, task):
    request = services.pending_redraw(plan)
    return request is not None and services.may_decide_redraw(user, request)


class SpotCheckFlow(flow.Flow):
    """Spot-check plan

    A double-random spot-check plan: approvals, a verifiable draw and its publication.
    """

    process_class = SpotCheckProcess
    # Parallel approvals meet in a Join: two heads deciding at once must not both miss it.
    lock_impl = lock.select_for_update_lock
    process_title = _("Spot-check plan")
    process_description = _("A double-random spot-check plan: approvals, a verifiable draw and its publication.")
    process_summary_template = "{{ process.plan.name }}"
    process_result_template = "{{ process.plan.name }}"

    start = (
        flow.Start(views.draft_plan)
        .Annotation(title=_("Draft a spot-check plan"))
        .Available(lambda user: services.may_draft(user))
        .Next(this.ask_approvals)
    )

    ask_approvals = (
        ForEach()
        .Annotation(title=_("Ask each department's head"))
        .Next(this.approve, data_source=this.departments_to_ask)
    )

    approve = (
        ScopedView(views.approve_plan, _may_approve)
        .Annotation(title=_("Approve the plan"))
        .Next(this.approvals_in)
    )

    approvals_in = (
        flow.Join(continue_on_condition=this.returned_by_anyone)
        .Annotation(title=_("All decisions in"))
        .Next(this.approved_or_returned)
    )

    approved_or_returned = (
        flow.If(this.approved_by_all)
        .Annotation(title=_("Approved by every department?"))
        .Then(this.commit_seed)
        .Else(this.revise)
    )

    revise = (
        ScopedView(views.revise_plan, _may_revise)
        .Annotation(title=_("Revise the plan"))
        .Next(this.resubmitted_or_withdrawn)
    )

    resubmitted_or_withdrawn = (
        flow.If(this.withdrawn_by_planner)
        .Annotation(title=_("Withdrawn?"))
        .Then(this.withdrawn)
        .Else(this.ask_approvals)
    )

    commit_seed = (
        flow.Function(this.commit)
        .Annotation(title=_("Publish the seed commitment"))
        .Next(this.run_draw)
    )

    run_draw = (
        ScopedView(views.run_draw, _may_run_draw)
        .Annotation(title=_("Run the draw"))
        .Next(this.draw_feasible)
    )

    draw_feasible = (
        flow.If(this.current_draw_feasible)
        .Annotation(title=_("Feasible?"))
        .Then(this.confirm)
        .Else(this.revise)
    )

    confirm = (
        ScopedView(views.confirm_draw, _is_lead_head)
        .Annotation(title=_("Confirm the draw"))
        .Next(this.confirmed_or_redrawn)
    )

    confirmed_or_redrawn = (
        flow.If(this.current_draw_confirmed)
        .Annotation(title=_("Confirmed?"))
        .Then(this.publish)
        .Else(this.approve_redraw)
    )

    approve_redraw = (
        ScopedView(views.approve_redraw, _may_decide_redraw)
        .Annotation(title=_("Approve the re-draw"))
        .Next(this.redraw_decided)
    )

    redraw_decided = (
        flow.If(this.redraw_approved)
        .Annotation(title=_("Re-draw approved?"))
        .Then(this.run_draw)
        .Else(this.confirm)
    )

    publish = (
        flow.Function(this.publish_result)
        .Annotation(title=_("Publish the result and create the inspections"))
        .Next(this.published)
    )

    published = flow.End().Annotation(title=_("Result published"))
    withdrawn = flow.End().Annotation(title=_("Withdrawn"))

    # --- node callbacks: thin, the work is in the services ---------------------------------

    def departments_to_ask(self, activation) -> list[dict]:
        return [{"department": d.pk} for d in services.pending_departments(plan_of(activation))]

    def returned_by_anyone(self, activation, active_tasks) -> bool:
        return services.is_returned(plan_of(activation))

    def approved_by_all(self, activation) -> bool:
        return services.is_approved(plan_of(activation))

    def withdrawn_by_planner(self, activation) -> bool:
        return plan_of(activation).withdrawn_at is not None

    def commit(self, activation):
        services.commit_seed(plan_of(activation))

    def current_draw_feasible(self, activation) -> bool:
        draw = services.current_draw(plan_of(activation))
        return bool(draw and draw.feasible)

    def current_draw_confirmed(self, activation) -> bool:
        draw = services.current_draw(plan_of(activation))
        return bool(draw and draw.confirmed_at)

    def redraw_approved(self, activation) -> bool:
        draw = services.current_draw(plan_of(activation))
        return bool(draw and draw.drawn_at is None and draw.redraw_of_id)

    def publish_result(self, activation):
        services.publish_result(services.current_draw(plan_of(activation)))

    # --- who sees the process ----------------------------------------------------------------

    def has_view_permission(self, user, obj=None):
        if user is None or not user.is_authenticated:
            return False
        actor = actor_for(user)
        if not (actor.is_admin or actor.is_official):
            return False
        if obj is None:
            return True
        return processes_for(user).filter(pk=obj.pk).exists()

    def has_manage_permission(self, user, obj=None):
        return user is not None and user.is_authenticated and actor_for(user).is_admin


def processes_for(user):
    """Spot-check processes whose plan the user may see (filtered in SQL)."""
    return SpotCheckProcess.objects.filter(plan__in=services.plans_for(user).values("pk"))
