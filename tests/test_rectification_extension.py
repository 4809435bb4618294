"""The institution asks for more time; the head grants it (the deadline moves) or refuses it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.rectification import services
from supervision.rectification.models import EventKind
from tests.url_rules_rectification import do_task, extension_via_task, finding, inspection, issue, open_task

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)


def _notice(world):
    return issue(world, [finding(inspection(world), "G")], today=MONDAY)


def test_a_granted_extension_moves_the_deadline_by_working_days_and_returns_the_task(world):
    notice = _notice(world)
    extension_via_task(world, notice, days=5)
    assert open_task(notice, "decide_extension")
    request = notice.extension_requests.get()
    do_task(notice, "decide_extension", world.head_x,
            lambda: services.decide_extension(world.head_x, request, grant=True, note=""))
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2026, 12, 14)  # 2026-12-07 + 5 working days
    assert open_task(notice, "submit_report")
    assert notice.events.filter(kind=EventKind.EXTENSION_GRANTED).exists()


def test_a_refused_extension_keeps_the_deadline_and_needs_a_reason(world):
    notice = _notice(world)
    extension_via_task(world, notice)
    request = notice.extension_requests.get()
    with pytest.raises(ValidationError):
        services.decide_extension(world.head_x, request, grant=False, note="")
    do_task(notice, "decide_extension", world.head_x,
            lambda: services.decide_extension(world.head_x, request, grant=False, note="期限已足够"))
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2026, 12, 7)
    assert open_task(notice, "submit_report")


def test_only_the_head_of_the_issuing_department_decides(world):
    notice = _notice(world)
    extension_via_task(world, notice)
    request = notice.extension_requests.get()
    for user in (world.inspector_x, world.planner_x, world.operator_p, world.inspector_y):
        with pytest.raises(PermissionDenied):
            services.decide_extension(user, request, grant=True)


def test_an_institution_may_not_ask_for_another_institutions_notice(world):
    notice = _notice(world)
    with pytest.raises(PermissionDenied):
        services.request_extension(world.operator_q, notice, reason="x", extra_days=3)
