"""Keep the deadline timer on the notice's deadline when the domain moves it.

A granted extension or a provisional recount moves the deadline while the report task waits.
The waiting timer is rescheduled; if it already fired (the old deadline passed before the
head decided), a new one is armed on the open report task so the new deadline is watched too.
"""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS


def move_deadline_timer(sender, notice, **kwargs):
    from workflows.rectification.flows import RectificationFlow

    flow = RectificationFlow.instance
    moment = flow.deadline_passes_at_for(notice)
    tasks = Task.objects.filter(process__rectificationprocess__notice=notice)
    timer = RectificationFlow.submit_report__timeout
    if tasks.filter(flow_task=timer, status=STATUS.SCHEDULED).update(scheduled=moment):
        return
    open_report = tasks.filter(
        flow_task=RectificationFlow.submit_report, status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
    ).first()
    if open_report is not None:
        timer._arm(open_report.flow_task.activation_class(open_report))
