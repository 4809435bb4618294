"""Inspection (现场检查): from the scheduled check to the submitted, optionally reviewed, record.

Started for each inspection a spot-check publication creates (signals.py listens to the
spot-check flow finishing its publication) and for each case check a planner schedules. The team
works on tablets (the field app, supervision/inspections/field_views.py); when the record is
submitted (both inspectors signed, the representative signed or refused) the domain sends
`record_submitted` and the process moves on: the head reviews it when the inspection asks for
it, then the process ends. Findings that need rectification wait on the desk's findings page
(rectification), where the team issues the notice that starts a rectification process.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from supervision.inspections import access
from supervision.inspections.models import Inspection
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.base import ScopedFlow
from workflows.nodes import NOBODY, HumanTask
from workflows.inspection import views
from workflows.inspection.models import InspectionProcess


def inspection_of(activation_or_task) -> Inspection:
    return Inspection.objects.select_related("institution", "department").get(
        process__pk=activation_or_task.process.pk
    )


def head_of_the_lead_department(user) -> Q:
    """The review is for the heads of the inspection's lead department (one rule: workflows/nodes.py)."""
    actor = actor_for(user)
    if actor.official is None or Role.HEAD not in actor.roles:
        return NOBODY
    return Q(process__inspectionprocess__inspection__department=actor.official.department_id)


class InspectionFlow(ScopedFlow):
    """Inspection

    An on-site inspection: fieldwork on tablets, the signed record, the optional head review.
    """

    process_class = InspectionProcess
    process_title = _("Inspection")
    process_description = _("An on-site inspection: fieldwork on tablets, the signed record, the optional review.")
    process_summary_template = "{{ process.inspection.institution.name }} · {{ process.inspection.get_kind_display }}"
    process_result_template = "{{ process.inspection.get_status_display }}"

    start = flow.StartHandle(this.start_inspection).Next(this.fieldwork)

    fieldwork = (
        flow.Handle(this.record_in)
        .Annotation(title=_("Inspect on site and submit the record"))
        .Next(this.needs_review)
    )

    needs_review = (
        flow.If(this.review_required)
        .Annotation(title=_("Review by the head?"))
        .Then(this.review)
        .Else(this.done)
    )

    review = HumanTask(views.review_record, head_of_the_lead_department).Annotation(title=_("Review the record")).Next(this.done)

    done = flow.End().Annotation(title=_("Record submitted"))

    def start_inspection(self, activation, inspection):
        activation.process.inspection = inspection
        return activation.process

    def record_in(self, activation):
        return activation.process

    def review_required(self, activation) -> bool:
        return inspection_of(activation).head_review

    @staticmethod
    def processes_for(user):
        """Inspection processes whose inspection the user may see at the desk (filtered in SQL)."""
        return InspectionProcess.objects.filter(inspection__in=access.inspections_for(user).values("pk"))


def start_process(inspection) -> InspectionProcess:
    return InspectionFlow.start.run(inspection=inspection)


def record_submitted(inspection) -> None:
    """Move the process past fieldwork (called when the domain reports a submitted record)."""
    from viewflow.workflow.models import Task

    task = Task.objects.filter(process__inspectionprocess__inspection=inspection,
                               flow_task=InspectionFlow.fieldwork, status="NEW").first()
    if task is not None:
        InspectionFlow.fieldwork.run(task)



processes_for = InspectionFlow.processes_for
