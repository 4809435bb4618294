"""Desk applications of filing (supervision/desk.py): the process pages, the institution's portal and
the bureau's lists, all under /filings/.

Every list is filtered in SQL by the filing's reach (supervision.filings.access), and every page
addressed by a process or task number first checks that the process is within reach (workflows.scoped).
"""

from viewflow.workflow.flow.views import DetailProcessView

from supervision.filings.urls import urlpatterns as portal_urlpatterns
from supervision.filings.viewsets import BreachViewset, FilingViewset, UnfiledViewset, VerificationViewset
from workflows.filing.flows import FilingsFlow, processes_for
from workflows.scoped import ScopedFlowAppViewset


class ProcessDetailView(DetailProcessView):
    template_name = "filings/process_detail.html"

    def get_queryset(self):
        return processes_for(self.request.user).select_related("filing__institution")


class FilingAppViewset(ScopedFlowAppViewset):
    process_detail_view_class = ProcessDetailView
    summary_related = ("filingprocess__filing__institution",)

    opens_on = "filings:filings:index"


APPLICATIONS: list = [
    FilingAppViewset(
        FilingsFlow,
        icon="assignment",
        viewsets=[FilingViewset(app_name="filings"), VerificationViewset(app_name="verifications"),
                  BreachViewset(app_name="breaches"), UnfiledViewset(app_name="unfiled")],
        urlpatterns=portal_urlpatterns,
    ),
]
