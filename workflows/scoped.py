"""The desk application of a flow, scoped to the user's reach and fast with 100,000 open tasks.

The stock Viewflow pages show every process to anyone holding the flow's view permission, and
some of them are slow at scale (DESIGN.md, "Viewflow at scale"). The flow (a `workflows.base.ScopedFlow`)
gives `ScopedFlowAppViewset` two functions:

- `processes_for(user)`: the flow's processes the user may see, as a queryset filtered in SQL;
- `queue_q(user)`: a `Q` on Task naming the open tasks the user may take (its HumanTask rules).

Every list is then filtered in SQL by them; every page addressed by a process or task number
first checks that the process is within reach (outsiders get 404, not a hint it exists). The
lists use what was measured to help: tasks filtered by `flow_task__in` the flow's nodes rather
than a join on the flow class, related rows joined or prefetched instead of a query per row
(prefetched where a join made PostgreSQL build every row in reach before the LIMIT), newest
first, filters without a per-process dropdown and with task types taken from the flow's nodes,
a pager that never counts (supervision.core.pagination), and menu badges that stop counting
at BADGE_CAP.
"""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView
from django_filters import ChoiceFilter, DateRangeFilter, FilterSet
from viewflow.utils import viewprop
from viewflow.workflow.fields import get_task_ref
from viewflow.workflow import flow
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow.views import (
    DashboardProcessListView,
    DashboardTaskListView,
    DetailProcessView,
    FlowArchiveListView,
    FlowInboxListView,
    FlowQueueListView,
)
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from supervision.core.pagination import LookaheadPaginator
from supervision.rectification.access import MAX_DB_ID

# A menu badge counts at most this many tasks: "99+" says enough, and counting 100,000 does not pay.
BADGE_CAP = 99


def flow_tasks(flow_class, human_only=False):
    """The flow's nodes (Task.flow_task values): `flow_task__in` uses an index, the flow-class join does not."""
    nodes = list(flow_class.instance.nodes())
    if human_only:
        nodes = [node for node in nodes if getattr(node, "task_type", None) == "HUMAN"]
    return nodes


class CappedCount:
    """A badge's number: the count up to BADGE_CAP, shown as "99+" beyond (one LIMITed query)."""

    def __init__(self, queryset, cap=BADGE_CAP):
        self._queryset, self._cap = queryset, cap

    def count(self):
        n = self._queryset.order_by().values("pk")[: self._cap + 1].count()
        return f"{self._cap}+" if n > self._cap else n


def _node_choices(flow_class, human_only):
    return [(get_task_ref(node), str(node.task_title or node.name)) for node in flow_tasks(flow_class, human_only)]


class NodeTaskFilter(FilterSet):
    """Task type and date only: no dropdown of every process, no DISTINCT over the tasks."""

    flow_task = ChoiceFilter()
    created = DateRangeFilter()
    human_only = True

    def __init__(self, *args, flow_class=None, **kwargs):
        super().__init__(*args, **kwargs)
        if flow_class is not None:
            self.filters["flow_task"].field.choices = _node_choices(flow_class, self.human_only)

    class Meta:
        model = Task
        fields = ("flow_task", "created")


class AllNodesTaskFilter(NodeTaskFilter):
    """For the task list, which shows gateway and timer tasks too."""

    human_only = False


class _NodeFilterMixin:
    filterset_class = NodeTaskFilter
    paginator_class = LookaheadPaginator

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "flow_class": self.flow_class}


class ScopedInboxView(_NodeFilterMixin, FlowInboxListView):
    @viewprop
    def queryset(self):
        return (
            Task.objects.filter(flow_task__in=flow_tasks(self.flow_class, True), owner=self.request.user,
                                status=STATUS.ASSIGNED)
            .select_related(*self.viewset.task_related())
            .order_by("-created")
        )


class ScopedQueueView(_NodeFilterMixin, FlowQueueListView):
    @viewprop
    def queryset(self):
        # Prefetched, not joined: the planner underestimates a queue's rows and would join every
        # open task before sorting (measured 150 ms for a head's 33,000 approvals, against ~50).
        return self.viewset.queue(self.request.user).prefetch_related(*self.viewset.task_related()).order_by("-pk")


class ScopedArchiveView(_NodeFilterMixin, FlowArchiveListView):
    @viewprop
    def queryset(self):
        return (
            Task.objects.filter(flow_task__in=flow_tasks(self.flow_class, True), owner=self.request.user,
                                finished__isnull=False)
            .select_related(*self.viewset.task_related())
            .order_by("-created")
        )


class ScopedProcessListView(DashboardProcessListView):
    paginator_class = LookaheadPaginator

    def get_queryset(self):
        """Processes in reach, newest first; active tasks counted by a subquery, not a GROUP BY join."""
        reach = self.viewset.processes_for(self.request.user).values("pk")
        active = (
            Task.objects.filter(process=OuterRef("pk"), finished__isnull=True)
            .order_by().values("process").annotate(n=Count("pk")).values("n")
        )
        return (
            super(DashboardProcessListView, self).get_queryset()
            .filter(flow_class=self.flow_class, pk__in=reach)
            .annotate(active_tasks_count=Coalesce(Subquery(active), 0))
            .select_related(*self.viewset.process_related())
            .order_by("-pk")
        )


class ScopedTaskListView(_NodeFilterMixin, DashboardTaskListView):
    filterset_class = AllNodesTaskFilter

    @viewprop
    def queryset(self):
        return (
            Task.objects.filter(flow_task__in=flow_tasks(self.flow_class),
                                process__in=self.viewset.processes_for(self.request.user).values("pk"))
            # Prefetched, not joined: joined, the planner builds every row in reach before the LIMIT
            # (measured 170 ms for a street inspector's 189 tasks among 300,000, against ~30).
            .prefetch_related(*self.viewset.task_related())
            .order_by("-created")
        )


class ScopedProcessDetailView(DetailProcessView):
    """A process page: its summary and tasks (the stock page offers a cancel the desk drops)."""

    template_name = "workflows/process_detail.html"

    def get_queryset(self):
        return self.flow_class.processes_for(self.request.user)


def within_reach(view, processes_for, node=None):
    """404 unless the process (and task) in the URL are within the user's reach.

    With `node`, the task must also be a task of that node: a task URL names its step
    (`/<flow>/<process>/<node>/<task>/<action>/`), and the node's permission rule and form
    must never be applied to another step's task of the same process.
    """

    def wrapper(request, *args, **kwargs):
        process_pk, task_pk = kwargs.get("process_pk"), kwargs.get("task_pk")
        if any(pk is not None and pk > MAX_DB_ID for pk in (process_pk, task_pk)):
            raise Http404  # beyond any database id (and an OverflowError in the query)
        if not request.user.is_authenticated or not processes_for(request.user).filter(pk=process_pk).exists():
            raise Http404
        if task_pk is not None:
            tasks = Task.objects.filter(pk=task_pk, process_id=process_pk)
            if not (tasks.filter(flow_task=node) if node is not None else tasks).exists():
                raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "view")
    wrapper.__wrapped__ = view
    return wrapper


# Undo, revive and cancel rewrite history behind the domain's facts: none is offered in the desk.
DROPPED_PAGES = {"undo", "revive", "cancel"}
# Pages where a person takes or does a task: only human tasks (and a Start's form) have them.
DOING_PAGES = {"assign", "unassign", "reassign", "execute"}


def is_done_by_people(node) -> bool:
    """A node a person takes and does (a View, or a Start's form); gateways, handles, timers
    and ends run by themselves and are never forced from a page."""
    return isinstance(node, (flow.View, flow.Start))


def guard(patterns, processes_for, flow_class, node=None):
    """Put every process or task page behind `within_reach`; drop the history-rewriting ones.

    Each node's pages check that the task in the URL is a task of that node; an automatic
    node keeps only its index and detail pages (no assign, unassign or execute).
    """
    kept = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            sub = flow_class.instance.node(pattern.namespace, no_obsolete=True) if pattern.namespace else None
            guard(pattern.url_patterns, processes_for, flow_class, sub or node)
        elif isinstance(pattern, URLPattern):
            if pattern.name in DROPPED_PAGES:
                continue
            if node is not None and pattern.name in DOING_PAGES and not is_done_by_people(node):
                continue
            if "process_pk" in str(pattern.pattern):
                pattern = URLPattern(pattern.pattern, within_reach(pattern.callback, processes_for, node),
                                     pattern.default_args, pattern.name)
        kept.append(pattern)
    patterns[:] = kept


class ScopedFlowAppViewset(FlowAppViewset):
    """A flow's desk application whose every page is scoped by `processes_for` and `queue_q`."""

    menu_template_name = "viewflow/workflow/flow_menu.html"

    inbox_view_class = ScopedInboxView
    queue_view_class = ScopedQueueView
    archive_view_class = ScopedArchiveView
    process_list_view_class = ScopedProcessListView
    process_detail_view_class = ScopedProcessDetailView
    task_list_view_class = ScopedTaskListView

    # Off: the stock chart, bulk assignment, cancelling a process from the desk.
    chart_path = None
    process_cancel_path = None
    tasks_assign_path = None
    tasks_unassign_path = None

    # What the flow's process summary reads, from the base Process: joined in every task list
    # (without it a list makes a query or two per row for the process subclass and its record).
    summary_related: tuple = ()

    def __init__(self, flow_class, **kwargs):
        super().__init__(flow_class, **kwargs)
        # From the flow (workflows/base.py: ScopedFlow): its reach, and its human tasks' rules.
        self._processes_for, self._queue_q = flow_class.processes_for, flow_class.instance.queue_q

    # The URL name the application opens on; by default its process list (the stock dashboard is not
    # scoped). A flow whose desk starts from its domain list names it ("listings:cases:index").
    opens_on: str = ""

    @property
    def index_path(self):
        pattern = self.opens_on or f"{self.app_name}:process_list"
        return path("", RedirectView.as_view(pattern_name=pattern), name="index")

    @property
    def flow_class(self):
        return self._flow_class

    def processes_for(self, user):
        return self._processes_for(user)

    def task_related(self):
        return ["process", "owner", *(f"process__{path}" for path in self.summary_related)]

    def process_related(self):
        return [path.split("__", 1)[1] for path in self.summary_related if "__" in path]

    def queue(self, user):
        """Open human tasks of this flow the user may take."""
        return Task.objects.filter(flow_task__in=flow_tasks(self._flow_class, True), status=STATUS.NEW).filter(
            self._queue_q(user))

    def has_view_permission(self, user, obj=None):
        return self._flow_class.instance.has_view_permission(user, obj)

    def get_context_data(self, request):
        user = request.user
        inbox = Task.objects.filter(flow_task__in=flow_tasks(self._flow_class, True), owner=user,
                                    status=STATUS.ASSIGNED)
        return {"user_inbox": CappedCount(inbox), "user_queue": CappedCount(self.queue(user))}

    def _get_urls(self):
        patterns = super()._get_urls()
        guard(patterns, self._processes_for, self._flow_class)
        return patterns

