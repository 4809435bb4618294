"""Where inspection processes start and move on, without the domain knowing the flow exists.

- A spot-check publication creates inspections in bulk (no post_save): when the spot-check
  flow's `publish` node finishes (workflows.base.when_finished), one inspection process starts
  for each new inspection.
- A planner's case check (services.schedule_inspection) sends `inspection_scheduled`.
- A submitted record (services.submit_record) sends `record_submitted`: fieldwork is done.
"""

from supervision.inspections.models import Inspection
from supervision.inspections.services import inspection_scheduled, record_submitted


def start_for_published_draw(process, task):
    from workflows.inspection.flows import start_process

    plan = process.spotcheckprocess.plan
    for inspection in Inspection.objects.filter(spot_check_target__draw__plan=plan, process__isnull=True):
        start_process(inspection)


def start_for_scheduled(sender, inspection, **kwargs):
    from workflows.inspection.flows import start_process

    if not Inspection.objects.filter(pk=inspection.pk, process__isnull=False).exists():
        start_process(inspection)


def fieldwork_done(sender, inspection, **kwargs):
    from workflows.inspection.flows import record_submitted as move_on

    move_on(inspection)


def connect():
    from workflows.base import when_finished
    from workflows.spot_check.flows import SpotCheckFlow

    when_finished(SpotCheckFlow.publish, start_for_published_draw, dispatch_uid="inspection-from-draw")
    inspection_scheduled.connect(start_for_scheduled, sender=Inspection, dispatch_uid="inspection-scheduled")
    record_submitted.connect(fieldwork_done, sender=Inspection, dispatch_uid="inspection-record-submitted")
