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

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from supervision.sampling import services
from supervision.sampling.models import SpotCheckPlan
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.base import ScopedFlow
from workflows.nodes import NOBODY, ForEach, HumanTask
from workflows.spot_check import views
from workflows.spot_check.models import SpotCheckProcess


def plan_of(activation_or_task) -> SpotCheckPlan:
    return services.plan_of_process(activation_or_task.process.pk)


# --- who may take each step: one rule per step, in SQL (workflows/nodes.py) --------------------


def _plans_of(*conditions) -> Q:
    """Tasks whose plan meets a condition, as `process__in` (a hashed semi-join, one row per task:
    joining the plan and its departments per task was measured slower, and the M2M join repeats rows)."""
    return Q(process__in=SpotCheckProcess.objects.filter(*conditions).values("pk"))


def _official(user, role):
    actor = actor_for(user)
    return actor.official if actor.official is not None and role in actor.roles else None


def _lead(official) -> Q:
    return _plans_of(Q(plan__department=official.department_id))


def head_of_the_asked_department(user) -> Q:
    head = _official(user, Role.HEAD)
    return Q(data__department=head.department_id) if head else NOBODY


def planner_of_the_lead_department(user) -> Q:
    planner = _official(user, Role.PLANNER)
    return _lead(planner) if planner else NOBODY


def head_of_the_lead_department(user) -> Q:
    head = _official(user, Role.HEAD)
    return _lead(head) if head else NOBODY


def planner_or_head_of_the_lead_department(user) -> Q:
    return planner_of_the_lead_department(user) | head_of_the_lead_department(user)


def second_head(user) -> Q:
    """A head of any department of the plan who did not ask for the pending re-draw (two people)."""
    head = _official(user, Role.HEAD)
    if head is None:
        return NOBODY
    department = head.department_id
    asked_by_them = _plans_of(Q(plan__draws__redraw_requests__approved__isnull=True,
                                plan__draws__redraw_requests__requested_by=user))
    return _plans_of(Q(plan__department=department) | Q(plan__participating_departments=department)) & ~asked_by_them


class SpotCheckFlow(ScopedFlow):
    """Spot-check plan

    A double-random spot-check plan: approvals, a verifiable draw and its publication.
    """

    process_class = SpotCheckProcess
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
        HumanTask(views.approve_plan, head_of_the_asked_department)
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
        HumanTask(views.revise_plan, planner_of_the_lead_department)
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
        HumanTask(views.run_draw, planner_or_head_of_the_lead_department)
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
        HumanTask(views.confirm_draw, head_of_the_lead_department)
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
        HumanTask(views.approve_redraw, second_head)
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

    @staticmethod
    def processes_for(user):
        """Spot-check processes whose plan the user may see (filtered in SQL)."""
        return SpotCheckProcess.objects.filter(plan__in=services.plans_for(user).values("pk"))


processes_for = SpotCheckFlow.processes_for
