"""Desk applications this process contributes to the site (supervision/desk.py).

The stock Viewflow pages show every process to anyone holding the flow's view permission
(DESIGN.md, "Viewflow at scale"). Here every list is filtered in SQL by the notice's reach
(supervision.rectification.access), and every page addressed by a process or task number
first checks that the process is within reach: outsiders get 404, not a hint it exists.
"""

from django.db.models import Q
from django.urls import path
from django.views.generic import RedirectView
from viewflow.workflow.flow.views import DetailProcessView

from supervision.notifications.desk import NotificationsApplication
from supervision.registry.access import institutions_for
from supervision.rectification.viewsets import NoticeViewset, findings_urlpatterns
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.rectification.flows import RectificationFlow, processes_for
from workflows.rectification.issue_views import issue_notice
from workflows.scoped import ScopedFlowAppViewset

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


class ProcessDetailView(DetailProcessView):
    template_name = "rectification/process_detail.html"

    def get_queryset(self):
        return processes_for(self.request.user).select_related("notice__institution")


class RectificationAppViewset(ScopedFlowAppViewset):
    """A notice is withdrawn by a decision, not by a cancel button here (the base drops it)."""

    process_detail_view_class = ProcessDetailView
    summary_related = ("rectificationprocess__notice__institution",)

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="rectification:notices:index"), name="index")


APPLICATIONS: list = [
    RectificationAppViewset(
        RectificationFlow,
        processes_for=processes_for,
        queue_q=queue_q,
        icon="assignment_turned_in",
        viewsets=[NoticeViewset(app_name="notices")],
        urlpatterns=findings_urlpatterns(issue_notice),
    ),
    NotificationsApplication(),
]
