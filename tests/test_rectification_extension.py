"""The institution asks for more time; the head grants it (the deadline moves) or refuses it.

Asking is a side action: the report task stays open and the deadline keeps running while the
head decides on the notice's extension page. The notices are issued on Monday 23 November 2026
and the clock is set there: asking for an extension depends on the day it is asked.
"""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS
from viewflow.workflow.timers import fire_due_timers

from supervision.rectification import services
from supervision.rectification.models import EventKind
from tests.clocks import local
from tests.url_rules_rectification import (
    ask_extension,
    finding,
    grant_extension,
    inspection,
    issue,
    open_task,
    submit_via_task,
)
from workflows.rectification.flows import RectificationFlow

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _on_monday(time_machine):
    time_machine.move_to(local(MONDAY), tick=False)


def _notice(world):
    return issue(world, [finding(inspection(world), "G")], today=MONDAY)


def _timer(notice, **filters):
    return Task.objects.filter(process__rectificationprocess__notice=notice,
                               flow_task=RectificationFlow.submit_report__timeout, **filters)


def _at(day: dt.date):
    """For the block inside, it is noon of `day` (local time)."""
    return time_machine.travel(local(day, 12), tick=False)


def test_a_granted_extension_moves_the_deadline_by_working_days_and_the_timer_with_it(world):
    notice = _notice(world)
    ask_extension(world, notice, days=5)
    grant_extension(world, notice)
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2026, 12, 14)  # 2026-12-07 + 5 working days
    assert open_task(notice, "submit_report")
    assert notice.events.filter(kind=EventKind.EXTENSION_GRANTED).exists()
    timer = _timer(notice, status=STATUS.SCHEDULED).get()
    assert timezone.localtime(timer.scheduled).date() == dt.date(2026, 12, 15)


def test_asking_for_an_extension_leaves_the_report_task_open(world):
    notice = _notice(world)
    ask_extension(world, notice)
    assert open_task(notice, "submit_report")
    submit_via_task(world, notice)  # the institution may still answer while the head decides
    assert open_task(notice, "recheck")


def test_the_deadline_keeps_running_while_an_extension_request_waits(world):
    notice = _notice(world)
    ask_extension(world, notice, days=60)
    with _at(dt.date(2026, 12, 20)):
        fire_due_timers()
        fire_due_timers()
    overdue = notice.events.filter(kind=EventKind.OVERDUE)
    assert overdue.count() == 1
    assert overdue.get().data["deadline"] == "2026-12-07"


def test_a_refused_extension_keeps_the_deadline_and_needs_a_reason(world):
    notice = _notice(world)
    ask_extension(world, notice)
    request = notice.extension_requests.get()
    with pytest.raises(ValidationError):
        services.decide_extension(world.head_x, request, grant=False, note="")
    services.decide_extension(world.head_x, request, grant=False, note="期限已足够")
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2026, 12, 7)
    assert open_task(notice, "submit_report")


def test_no_extension_may_be_asked_for_once_the_deadline_has_passed(world, settings):
    settings.LANGUAGE_CODE = "en"
    notice = _notice(world)
    with pytest.raises(ValidationError, match="has passed"):
        services.request_extension(world.operator_p, notice, reason="晚了", extra_days=5,
                                   today=dt.date(2026, 12, 8))


def test_a_late_decision_counts_from_today_and_flags_overdue_and_the_blacklist_ground_once(world):
    notice = issue(world, [finding(inspection(world), "J", major=True, fire=True)], today=MONDAY)
    ask_extension(world, notice, days=5)
    with _at(dt.date(2026, 12, 10)):  # the head decides three days after the deadline
        fire_due_timers()
        grant_extension(world, notice)
        notice.refresh_from_db()
        assert notice.deadline == dt.date(2026, 12, 17)  # 2026-12-10 + 5 working days, not in the past
        fire_due_timers()
    # The new deadline is watched by a new timer.
    assert _timer(notice, status=STATUS.SCHEDULED).count() == 1
    kinds = list(notice.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.OVERDUE) == 1
    assert kinds.count(EventKind.BLACKLIST_GROUND) == 1


def test_the_head_decides_on_the_notice_extension_page(client, world):
    notice = _notice(world)
    ask_extension(world, notice, days=5)
    client.force_login(world.head_x)
    url = f"/rectification/notices/{notice.pk}/extension/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"grant": "yes", "extra_days": "3", "note": ""})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2026, 12, 10)


def test_only_the_head_of_the_issuing_department_decides(world):
    notice = _notice(world)
    ask_extension(world, notice)
    request = notice.extension_requests.get()
    for user in (world.inspector_x, world.planner_x, world.operator_p, world.inspector_y):
        with pytest.raises(PermissionDenied):
            services.decide_extension(user, request, grant=True)


def test_an_institution_may_not_ask_for_another_institutions_notice(world):
    notice = _notice(world)
    with pytest.raises(PermissionDenied):
        services.request_extension(world.operator_q, notice, reason="x", extra_days=3)
