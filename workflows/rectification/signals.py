"""Keep the deadline timer on the notice's deadline when the domain recounts it."""

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS


def move_deadline_timer(sender, notice, **kwargs):
    from workflows.rectification.flows import RectificationFlow

    moment = RectificationFlow.instance.deadline_passes_at_for(notice)
    Task.objects.filter(
        process__rectificationprocess__notice=notice,
        flow_task=RectificationFlow.submit_report__timeout,
        status=STATUS.SCHEDULED,
    ).update(scheduled=moment)
