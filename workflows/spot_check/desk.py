"""Desk applications this process contributes to the site (supervision/desk.py).

The stock Viewflow pages show every process to anyone holding the flow's view permission
(DESIGN.md, "Viewflow at scale"). Here every list is filtered in SQL by the plan's reach
(supervision.sampling.services.plans_for), and every page addressed by a process or task
number first checks that the process is within reach: outsiders get 404, not a hint it exists.
Institution operators see nothing of this application.
"""

from django.db.models import Q
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView
from viewflow.utils import viewprop
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow.views import (
    DashboardProcessListView,
    DashboardTaskListView,
    DetailProcessView,
    FlowInboxListView,
    FlowQueueListView,
)
from viewflow.workflow.models import Task

from supervision.sampling import services
from supervision.sampling.presentation import draw_summary
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.spot_check.flows import SpotCheckFlow, processes_for

_PLAN = "process__spotcheckprocess__plan__"


def queue_q(user) -> Q:
    """Open tasks the user may take, per node, in SQL (the stock queue goes by permissions)."""
    actor = actor_for(user)
    q = Q(pk__in=[])
    if actor.official is None:
        return q
    department = actor.official.department_id
    lead = {f"{_PLAN}department": department}
    if Role.HEAD in actor.roles:
        q |= Q(flow_task=SpotCheckFlow.approve, data__department=department)
        q |= Q(flow_task__in=[SpotCheckFlow.confirm, SpotCheckFlow.run_draw], **lead)
        # A re-draw's second head: any department of the plan (the requester is refused on taking it).
        q |= Q(flow_task=SpotCheckFlow.approve_redraw) & (
            Q(**lead) | Q(**{f"{_PLAN}participating_departments": department})
        )
    if Role.PLANNER in actor.roles:
        q |= Q(flow_task__in=[SpotCheckFlow.revise, SpotCheckFlow.run_draw], **lead)
    return q


def _queue(flow_class, user):
    return (
        Task.objects.filter(process__flow_class=flow_class, status="NEW", flow_task_type="HUMAN")
        .filter(queue_q(user))
    )


class QueueView(FlowQueueListView):
    filterset_class = None  # the stock filter lists every queued process in a dropdown

    @viewprop
    def queryset(self):
        return _queue(self.flow_class, self.request.user).select_related("process").order_by("-created")


class InboxView(FlowInboxListView):
    filterset_class = None


class ProcessListView(DashboardProcessListView):
    template_name = "spot_check/process_list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "can_start": SpotCheckFlow.start.can_execute(self.request.user)}

    def get_queryset(self):
        return super().get_queryset().filter(pk__in=processes_for(self.request.user).values("pk")).order_by("-pk")


class TaskListView(DashboardTaskListView):
    filterset_class = None

    @viewprop
    def queryset(self):
        return (
            Task.objects.filter(process__flow_class=self.flow_class,
                                process__in=processes_for(self.request.user).values("pk"))
            .select_related("process", "owner")
            .order_by("-created")
        )


class ProcessDetailView(DetailProcessView):
    """The plan, its approvals, and each draw: commitment, result, teams, problems."""

    template_name = "spot_check/process_detail.html"

    def get_queryset(self):
        return processes_for(self.request.user).select_related("plan__department", "plan__region")

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


def _within_reach(view):
    """404 unless the process (and task) in the URL are within the user's reach."""

    def wrapper(request, *args, **kwargs):
        process_pk, task_pk = kwargs.get("process_pk"), kwargs.get("task_pk")
        if not request.user.is_authenticated or not processes_for(request.user).filter(pk=process_pk).exists():
            raise Http404
        if task_pk is not None and not Task.objects.filter(pk=task_pk, process_id=process_pk).exists():
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "view")
    wrapper.__wrapped__ = view
    return wrapper


# Undo, revive and cancel rewrite history behind the plan's facts; forcing a gateway by hand
# (execute on a split or join) skips decisions. None is offered in the desk.
_DROPPED = {"undo", "revive", "cancel"}
_HUMAN_NODES = {"start", "approve", "revise", "run_draw", "confirm", "approve_redraw"}


def _guard(patterns, node=None):
    """Put every process or task page behind `_within_reach`; drop the history-rewriting ones."""
    kept = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _guard(pattern.url_patterns, pattern.namespace)
            kept.append(pattern)
        elif isinstance(pattern, URLPattern):
            if pattern.name in _DROPPED or (pattern.name == "execute" and node and node not in _HUMAN_NODES):
                continue
            if "process_pk" in str(pattern.pattern):
                pattern = URLPattern(pattern.pattern, _within_reach(pattern.callback), pattern.default_args,
                                     pattern.name)
            kept.append(pattern)
        else:
            kept.append(pattern)
    patterns[:] = kept


class SpotCheckAppViewset(FlowAppViewset):
    menu_template_name = "viewflow/workflow/flow_menu.html"

    inbox_view_class = InboxView
    queue_view_class = QueueView
    process_list_view_class = ProcessListView
    task_list_view_class = TaskListView
    process_detail_view_class = ProcessDetailView

    # Off: the stock dashboard and its chart, bulk assignment, cancelling a process from the desk.
    chart_path = None
    process_cancel_path = None
    tasks_assign_path = None
    tasks_unassign_path = None

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="spotcheck:process_list"), name="index")

    def has_view_permission(self, user, obj=None):
        return SpotCheckFlow.instance.has_view_permission(user, obj)

    def get_context_data(self, request):
        manager = Task._default_manager
        return {
            "user_inbox": manager.inbox([SpotCheckFlow], request.user),
            "user_queue": _queue(SpotCheckFlow, request.user),
        }

    def _get_urls(self):
        patterns = super()._get_urls()
        _guard(patterns)
        return patterns


APPLICATIONS: list = [
    SpotCheckAppViewset(SpotCheckFlow, icon="casino"),
]
