"""Desk applications this process contributes to the site (supervision/desk.py).

The stock Viewflow pages show every process to anyone holding the flow's view permission
(DESIGN.md, "Viewflow at scale"). Here every list is filtered in SQL by the notice's reach
(supervision.rectification.access), and every page addressed by a process or task number
first checks that the process is within reach: outsiders get 404, not a hint it exists.
"""

from django.db.models import Q
from django.http import Http404
from django.urls import URLPattern, URLResolver, path
from django.views.generic import RedirectView
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.flow.views import (
    DashboardProcessListView,
    DashboardTaskListView,
    DetailProcessView,
    FlowQueueListView,
)
from viewflow.workflow.models import Task
from viewflow.utils import viewprop

from supervision.notifications.desk import NotificationsApplication
from supervision.rectification.access import MAX_DB_ID
from supervision.registry.access import institutions_for
from supervision.rectification.viewsets import NoticeViewset, findings_urlpatterns
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.rectification.flows import RectificationFlow, processes_for
from workflows.rectification.issue_views import issue_notice

_NOTICE = "process__rectificationprocess__notice__"


def queue_q(user) -> Q:
    """Open tasks the user may take, per node, in SQL (the stock queue goes by permissions)."""
    actor = actor_for(user)
    q = Q(pk__in=[])
    if actor.is_operator:
        q |= Q(flow_task=RectificationFlow.submit_report,
               **{f"{_NOTICE}institution__in": institutions_for(user).values("pk")})
    if actor.official is not None:
        q |= Q(flow_task=RectificationFlow.recheck, **{f"{_NOTICE}inspection__team": actor.official})
        if Role.HEAD in actor.roles:
            q |= Q(flow_task=RectificationFlow.approve_closure,
                   **{f"{_NOTICE}department": actor.official.department_id})
    return q


class QueueView(FlowQueueListView):
    filterset_class = None  # the stock filter lists every queued process in a dropdown

    @viewprop
    def queryset(self):
        return (
            Task.objects.filter(process__flow_class=self.flow_class, status="NEW", flow_task_type="HUMAN")
            .filter(queue_q(self.request.user))
            .select_related("process")
            .order_by("-created")
        )


class ProcessListView(DashboardProcessListView):
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
    template_name = "rectification/process_detail.html"

    def get_queryset(self):
        return processes_for(self.request.user).select_related("notice__institution")


def _within_reach(view):
    """404 unless the process (and task) in the URL are within the user's reach."""

    def wrapper(request, *args, **kwargs):
        process_pk, task_pk = kwargs.get("process_pk"), kwargs.get("task_pk")
        if any(pk is not None and pk > MAX_DB_ID for pk in (process_pk, task_pk)):
            raise Http404  # beyond any database id (and an OverflowError in the query)
        if not request.user.is_authenticated or not processes_for(request.user).filter(pk=process_pk).exists():
            raise Http404
        if task_pk is not None and not Task.objects.filter(pk=task_pk, process_id=process_pk).exists():
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = getattr(view, "__name__", "view")
    wrapper.__wrapped__ = view
    return wrapper


# Undo, revive and cancel rewrite history behind the notice's facts: not offered in the desk.
_DROPPED = {"undo", "revive", "cancel"}


def _guard(patterns):
    """Put every process or task page behind `_within_reach`; drop the history-rewriting ones."""
    patterns[:] = [p for p in patterns if not (isinstance(p, URLPattern) and p.name in _DROPPED)]
    for i, pattern in enumerate(patterns):
        if isinstance(pattern, URLResolver):
            _guard(pattern.url_patterns)
        elif isinstance(pattern, URLPattern) and "process_pk" in str(pattern.pattern):
            patterns[i] = URLPattern(pattern.pattern, _within_reach(pattern.callback), pattern.default_args,
                                     pattern.name)


class RectificationAppViewset(FlowAppViewset):
    menu_template_name = "viewflow/workflow/flow_menu.html"

    queue_view_class = QueueView
    process_list_view_class = ProcessListView
    task_list_view_class = TaskListView
    process_detail_view_class = ProcessDetailView

    # Off: the stock dashboard and its chart, bulk assignment, cancelling a process from the
    # desk (a notice is withdrawn by a decision, not by a button here).
    chart_path = None
    process_cancel_path = None
    tasks_assign_path = None
    tasks_unassign_path = None

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="rectification:notices:index"), name="index")

    def _get_urls(self):
        patterns = super()._get_urls()
        _guard(patterns)
        return patterns


APPLICATIONS: list = [
    RectificationAppViewset(
        RectificationFlow,
        icon="assignment_turned_in",
        viewsets=[NoticeViewset(app_name="notices")],
        urlpatterns=findings_urlpatterns(issue_notice),
    ),
    NotificationsApplication(),
]
