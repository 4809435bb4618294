"""Desk applications this process contributes to the site (supervision/desk.py).

The stock Viewflow pages show every process to anyone holding the flow's view permission
(DESIGN.md, "Viewflow at scale"). Here every list is filtered in SQL by the notice's reach
(supervision.rectification.access), and every page addressed by a process or task number
first checks that the process is within reach: outsiders get 404, not a hint it exists.
"""

from viewflow.workflow.flow.views import DetailProcessView

from supervision.notifications.desk import NotificationsApplication
from supervision.rectification.viewsets import NoticeViewset, findings_urlpatterns
from workflows.rectification.flows import RectificationFlow, processes_for
from workflows.rectification.issue_views import issue_notice
from workflows.scoped import ScopedFlowAppViewset

class ProcessDetailView(DetailProcessView):
    template_name = "rectification/process_detail.html"

    def get_queryset(self):
        return processes_for(self.request.user).select_related("notice__institution")


class RectificationAppViewset(ScopedFlowAppViewset):
    """A notice is withdrawn by a decision, not by a cancel button here (the base drops it)."""

    process_detail_view_class = ProcessDetailView
    summary_related = ("rectificationprocess__notice__institution",)

    opens_on = "rectification:notices:index"


APPLICATIONS: list = [
    RectificationAppViewset(
        RectificationFlow,
        icon="assignment_turned_in",
        viewsets=[NoticeViewset(app_name="notices")],
        urlpatterns=findings_urlpatterns(issue_notice),
    ),
    NotificationsApplication(),
]
