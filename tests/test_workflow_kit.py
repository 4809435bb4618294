"""The workflow kit (workflows/base.py, workflows/nodes.py): one rule per human step, the process lock.

Who may take a task is one rule in SQL per HumanTask: the desk's queue is their union and
`can_assign` asks the database whether the task matches it. Every flow locks its process row, so
the rectification deadline timer cannot fire while the operator's submit is in progress.
"""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User
from django.db import connection
from viewflow.workflow import lock
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from supervision.desk import site
from workflows.nodes import HumanTask

pytestmark = pytest.mark.django_db


def flow_apps():
    return [app for app in site.viewsets if isinstance(app, FlowAppViewset)]


def test_the_queue_and_the_take_rule_agree_for_every_persona_and_open_task(permission_world):
    users = list(User.objects.order_by("pk"))
    compared = 0
    for app in flow_apps():
        open_tasks = Task.objects.filter(process__flow_class=app.flow_class, status=STATUS.NEW,
                                         owner__isnull=True).order_by("pk")
        for user in users:
            listed = list(app.queue(user).values_list("pk", flat=True))
            # Once each: a rule that joins a to-many relation (a team) must not repeat a task per member.
            assert len(listed) == len(set(listed)), (app.app_name, user)
            queue = set(listed)
            for task in open_tasks:
                node = task.flow_task
                if isinstance(node, HumanTask):
                    assert (task.pk in queue) == node.can_assign(user, task), (app.app_name, node.name, user)
                    compared += 1
    assert compared > 100


def test_every_flow_locks_its_process_row():
    for app in flow_apps():
        assert app.flow_class.lock_impl is lock.select_for_update_lock, app.flow_class


def test_the_requester_of_a_redraw_does_not_find_its_approval_in_their_queue(world):
    from supervision.sampling import services
    from tests.url_rules_sampling import approve, do_task, more_institutions, run, second_head, start
    from workflows.spot_check.desk import APPLICATIONS
    from workflows.spot_check.flows import SpotCheckFlow

    more_institutions(world)
    head_x2 = second_head(world)
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    run(world, plan)
    draw = services.current_draw(plan)
    do_task(plan, "confirm", world.head_x, lambda: services.request_redraw(world.head_x, draw, "system_failure"))
    queue = APPLICATIONS[0].queue
    assert not queue(world.head_x).filter(flow_task=SpotCheckFlow.approve_redraw).exists()
    assert queue(head_x2).filter(flow_task=SpotCheckFlow.approve_redraw).exists()


@pytest.mark.postgres
# The reference data (roles, specialties) of the migrations survives the flush of other transactional tests.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_deadline_timer_waits_for_a_submit_in_progress(world, time_machine):
    """The operator's POST holds the process lock (as Viewflow's task views do): the due timer is
    skipped, not fired beside it; once the submit is done the next sweep fires it."""
    from tests.url_rules_rectification import finding, inspection, issue
    from workflows.rectification.flows import RectificationFlow

    time_machine.move_to(dt.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    notice = issue(world, [finding(inspection(world), "D")], today=dt.date(2026, 9, 1))
    process_pk = notice.process.pk
    locked, release = threading.Event(), threading.Event()

    def submit_in_progress():
        try:
            with RectificationFlow.lock(process_pk):
                locked.set()
                release.wait(30)
        finally:
            connection.close()

    holder = threading.Thread(target=submit_in_progress)
    holder.start()
    try:
        assert locked.wait(30)
        assert fire_due_timers() == 0
    finally:
        release.set()
        holder.join()
    assert fire_due_timers() == 1
    assert Task.objects.filter(process_id=process_pk, flow_task=RectificationFlow.note_overdue).exists()
