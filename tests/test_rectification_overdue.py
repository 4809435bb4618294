"""The deadline timer: the day after the deadline the notice is marked overdue, once, the head and
the institution are told, and a major fire hazard is flagged to the head as blacklist ground 4."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.timers import fire_due_timers

from supervision.notifications.models import Notification
from supervision.rectification.models import EventKind
from tests.url_rules_rectification import finding, inspection, issue, open_task, submit_via_task

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)


def frozen(at: dt.datetime):
    """For the block inside, the clock stands at `at`, a local wall-clock time."""
    return time_machine.travel(timezone.make_aware(at), tick=False)


def _issued(world, **flags):
    with frozen(dt.datetime(2026, 11, 23, 9, 0)):
        return issue(world, [finding(inspection(world), "G", **flags)], today=MONDAY)


def test_the_timer_is_scheduled_for_the_day_after_the_deadline(world):
    notice = _issued(world)
    assert notice.deadline == dt.date(2026, 12, 7)  # 10 working days from Monday 23 November
    from viewflow.workflow.models import Task

    timer = Task.objects.get(process__rectificationprocess__notice=notice, flow_task_type="TIMER")
    assert timezone.localtime(timer.scheduled) == timezone.make_aware(dt.datetime(2026, 12, 8, 0, 0))


def test_nothing_fires_on_the_deadline_day_itself(world):
    notice = _issued(world)
    with frozen(dt.datetime(2026, 12, 7, 23, 59)):
        assert fire_due_timers() == 0
    assert not notice.events.filter(kind=EventKind.OVERDUE).exists()


def test_the_day_after_the_deadline_the_notice_is_overdue_and_the_head_and_institution_are_told(world):
    notice = _issued(world)
    with frozen(dt.datetime(2026, 12, 8, 0, 1)):
        assert fire_due_timers() == 1
        notice.refresh_from_db()
        assert notice.status == "overdue"
    assert notice.events.filter(kind=EventKind.OVERDUE, data__deadline="2026-12-07").count() == 1
    assert Notification.objects.filter(recipient=world.head_x, kind="overdue").exists()
    assert Notification.objects.filter(recipient=world.operator_p, kind="overdue").exists()
    assert not notice.events.filter(kind=EventKind.BLACKLIST_GROUND).exists()
    # The institution may still answer late: its task stays open.
    assert open_task(notice, "submit_report")


def test_a_major_fire_hazard_past_its_deadline_is_flagged_as_blacklist_ground_4(world):
    with frozen(dt.datetime(2026, 11, 23, 9, 0)):
        notice = issue(world, [finding(inspection(world), "J", major=True, fire=True)], today=MONDAY)
    with frozen(dt.datetime(2026, 12, 31, 9, 0)):
        fire_due_timers()
    event = notice.events.get(kind=EventKind.BLACKLIST_GROUND)
    assert event.data["ground"] == 4
    assert Notification.objects.filter(recipient=world.head_x, kind="blacklist_ground").exists()
    assert not Notification.objects.filter(recipient=world.operator_p, kind="blacklist_ground").exists()


def test_firing_again_marks_nothing_twice(world):
    from supervision.rectification.services import mark_overdue

    notice = _issued(world)
    with frozen(dt.datetime(2026, 12, 9, 9, 0)):
        fire_due_timers()
        assert fire_due_timers() == 0
        assert mark_overdue(notice) is False
    assert notice.events.filter(kind=EventKind.OVERDUE).count() == 1


def test_a_report_submitted_in_time_cancels_the_timer(world):
    notice = _issued(world)
    with frozen(dt.datetime(2026, 12, 1, 9, 0)):
        submit_via_task(world, notice)
    with frozen(dt.datetime(2026, 12, 20, 9, 0)):
        assert fire_due_timers() == 0
    assert not notice.events.filter(kind=EventKind.OVERDUE).exists()


def test_moving_the_timer_into_the_past_fires_it_the_cookbook_way(world):
    from viewflow.workflow.models import Task

    notice = _issued(world)
    # The deadline itself must have passed too: the service checks the facts, not only the timer.
    type(notice).objects.filter(pk=notice.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    Task.objects.filter(process__rectificationprocess__notice=notice, flow_task_type="TIMER").update(
        scheduled=timezone.now() - dt.timedelta(minutes=1))
    assert fire_due_timers() == 1
    assert notice.events.filter(kind=EventKind.OVERDUE).exists()
