"""Desk applications this process contributes to the site (supervision/desk.py).

The stock Viewflow pages show every process to anyone holding the flow's view permission
(DESIGN.md, "Viewflow at scale"). Here every list is filtered in SQL by the plan's reach
(supervision.sampling.services.plans_for), and every page addressed by a process or task
number first checks that the process is within reach: outsiders get 404, not a hint it exists.
Institution operators see nothing of this application.
"""

from django.db.models import Q
from django.urls import path
from django.views.generic import RedirectView
from viewflow.workflow.flow.views import DetailProcessView

from supervision.sampling import services
from supervision.sampling.presentation import draw_summary
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.scoped import ScopedFlowAppViewset, ScopedProcessListView
from workflows.spot_check.flows import SpotCheckFlow, processes_for
from workflows.spot_check.models import SpotCheckProcess

def _plans_of(*conditions):
    """Processes whose plan meets a condition, as `process__in` (a hashed semi-join, one row per task:
    joining the plan and its departments per task was measured slower, and the M2M join repeats rows)."""
    return {"process__in": SpotCheckProcess.objects.filter(*conditions).values("pk")}


def queue_q(user) -> Q:
    """Open tasks the user may take, per node, in SQL (the stock queue goes by permissions)."""
    actor = actor_for(user)
    q = Q(pk__in=[])
    if actor.official is None:
        return q
    department = actor.official.department_id
    lead = _plans_of(Q(plan__department=department))
    if Role.HEAD in actor.roles:
        q |= Q(flow_task=SpotCheckFlow.approve, data__department=department)
        q |= Q(flow_task__in=[SpotCheckFlow.confirm, SpotCheckFlow.run_draw], **lead)
        # A re-draw's second head: any department of the plan (the requester is refused on taking it).
        q |= Q(flow_task=SpotCheckFlow.approve_redraw,
               **_plans_of(Q(plan__department=department) | Q(plan__participating_departments=department)))
    if Role.PLANNER in actor.roles:
        q |= Q(flow_task__in=[SpotCheckFlow.revise, SpotCheckFlow.run_draw], **lead)
    return q


class ProcessListView(ScopedProcessListView):
    template_name = "spot_check/process_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "can_start": SpotCheckFlow.start.can_execute(self.request.user)}


class ProcessDetailView(DetailProcessView):
    """The plan, its approvals, and each draw: commitment, result, teams, problems."""

    template_name = "spot_check/process_detail.html"

    def get_queryset(self):
        # The region's full name walks up to the province: joined, not a query per level.
        return processes_for(self.request.user).select_related("plan__department",
                                                               "plan__region__parent__parent__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object.plan
        draw = services.current_draw(plan)
        # Before publication the result and its problems are for the lead department only.
        visible = draw is not None and (draw.published_at is not None
                                        or services.may_see_unpublished_result(self.request.user, plan))
        context.update(
            plan=plan, draw=draw, summary=draw_summary(draw) if visible else {},
            draws=plan.draws.order_by("number"),
            approvals=plan.approvals.select_related("department", "decided_by").order_by("round", "decided_at"),
            rounds=plan.rounds.select_related("submitted_by__official").order_by("round"),
            redraw_requests=services.redraw_requests(plan),
        )
        return context


class SpotCheckAppViewset(ScopedFlowAppViewset):
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView
    summary_related = ("spotcheckprocess__plan",)

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="spotcheck:process_list"), name="index")


APPLICATIONS: list = [
    SpotCheckAppViewset(SpotCheckFlow, processes_for=processes_for, queue_q=queue_q, icon="casino"),
]
