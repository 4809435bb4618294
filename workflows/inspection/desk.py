"""Desk application of the inspection process (included in supervision/desk.py).

The stock Viewflow pages show every process to anyone holding the flow's view permission
(DESIGN.md, "Viewflow at scale"). Here every list is filtered in SQL by the inspection's reach
(supervision.inspections.access.inspections_for: the institution in the official's jurisdiction,
and the lead department's line or the team), and every page addressed by a process or task
number first checks that the process is within reach: outsiders get 404, not a hint it exists.
Institution operators see nothing of this application (403 everywhere).

Beside the stock pages: the notice (检查通知书) and its delivery, findings waiting for a
rectification notice, and results due for publication (一公开).
"""

from django.db.models import Q
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.workflow.flow.views import DetailProcessView

from supervision.inspections import access, services
from supervision.inspections.models import InspectionStatus
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.inspection import views
from workflows.inspection.flows import InspectionFlow, processes_for
from workflows.scoped import ScopedFlowAppViewset, ScopedProcessListView

_INSPECTION = "process__inspectionprocess__inspection__"


def queue_q(user) -> Q:
    """Open tasks the user may take, in SQL: the review is for the heads of the lead department."""
    actor = actor_for(user)
    if actor.official is None or Role.HEAD not in actor.roles:
        return Q(pk__in=[])
    return Q(flow_task=InspectionFlow.review, **{f"{_INSPECTION}department": actor.official.department_id})


class ProcessListView(ScopedProcessListView):
    """Inspections in reach, newest first, with what a desk reader needs at a glance."""

    template_name = "inspections/process_list.html"
    columns = ("process_id", "institution", "kind", "team", "scheduled_for", "status", "publicity_deadline",
               "active_tasks")

    def get_queryset(self):
        return (
            super().get_queryset()
            .select_related("inspection__institution")
            .prefetch_related("inspection__team")
        )

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "may_plan_case_checks": access.may_plan_case_checks(self.request.user)}

    def institution(self, process):
        return process.inspection.institution.name

    institution.short_description = _("Institution")

    def kind(self, process):
        return process.inspection.get_kind_display()

    kind.short_description = _("Kind")

    def team(self, process):
        return "、".join(o.name for o in process.inspection.team.all())

    team.short_description = _("Team")

    def scheduled_for(self, process):
        return process.inspection.scheduled_for

    scheduled_for.short_description = _("Scheduled for")

    def status(self, process):
        return process.inspection.get_status_display()

    status.short_description = _("Status")

    def publicity_deadline(self, process):
        inspection = process.inspection
        if inspection.publicity_deadline is None:
            return ""
        return f"{inspection.publicity_deadline:%Y-%m-%d}" + (" *" if inspection.publicity_deadline_provisional else "")

    publicity_deadline.short_description = _("Publicity deadline (* provisional)")


class ProcessDetailView(DetailProcessView):
    """The inspection: institution, kind, team, notice, status, deadlines, findings, the record."""

    template_name = "inspections/process_detail.html"

    def get_queryset(self):
        return processes_for(self.request.user).select_related(
            "inspection__institution", "inspection__department", "inspection__reviewed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        inspection = self.object.inspection
        user = self.request.user
        may_notice = access.may_issue_notice(user, inspection)
        on_team = access.is_team_member(user, inspection)
        waiting = list(services.findings_needing_rectification(inspection).order_by("pk"))
        submitted = inspection.status == InspectionStatus.SUBMITTED
        context.update(
            inspection=inspection,
            team=inspection.team.order_by("name"),
            findings=inspection.findings.select_related("notice_item__notice").order_by("pk"),
            waiting=waiting,
            may_issue_notice=may_notice and inspection.announced and not inspection.notice_number
            and inspection.status == InspectionStatus.SCHEDULED,
            may_record_delivery=may_notice and bool(inspection.notice_number) and inspection.notice_delivered_at is None,
            may_start_rectification=submitted and on_team and bool(waiting),
            rectification_url=views.rectification_url(inspection, waiting) if waiting else "",
            may_read_record=access.readable_inspections(user).filter(pk=inspection.pk).exists(),
        )
        return context


class InspectionAppViewset(ScopedFlowAppViewset):
    process_list_view_class = ProcessListView
    process_detail_view_class = ProcessDetailView
    summary_related = ("inspectionprocess__inspection__institution",)

    @property
    def index_path(self):
        return path("", RedirectView.as_view(pattern_name="inspection:process_list"), name="index")


desk_urlpatterns = [
    path("inspections/<int:pk>/notice/", views.issue_notice, name="issue_notice"),
    path("inspections/<int:pk>/notice/delivery/", views.notice_delivery, name="notice_delivery"),
    path("to-rectify/", views.to_rectify, name="to_rectify"),
    path("publicity/", views.publicity, name="publicity"),
]

APPLICATIONS: list = [
    InspectionAppViewset(InspectionFlow, processes_for=processes_for, queue_q=queue_q, icon="fact_check", urlpatterns=desk_urlpatterns),
]
