"""The demo city gets rectification in 东湖区, dated from the day it is loaded: notices under way
(one due within 3 working days, one overdue, one on time) and inspections with findings waiting
for a notice. Loading again changes nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from viewflow.workflow.models import Task

from supervision.core import clock
from supervision.demo.rectification_demo import FRESH_CHECK_DAYS_AGO, seed_inspections
from supervision.inspections.models import Finding, Inspection
from supervision.rectification.models import DeadlineState, EventKind, RectificationNotice
from supervision.rectification.viewsets import with_deadline_state
from tests.clocks import local

pytestmark = pytest.mark.django_db


def seed(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def deadline_states() -> dict[str, str]:
    """operator username → the deadline state of the notice at that operator's institution."""
    notices = with_deadline_state(RectificationNotice.objects.all()).values_list(
        "institution__accounts__user__username", "deadline_state")
    return dict(notices)


def test_the_demo_has_notices_under_way_and_inspections_to_rectify_and_loading_again_changes_nothing(
        settings, client):
    seed(settings)
    today = clock.today()
    assert deadline_states() == {"operator01": DeadlineState.DUE_SOON, "operator02": DeadlineState.OVERDUE,
                                 "operator03": DeadlineState.ON_TIME}
    overdue = RectificationNotice.objects.get(institution__accounts__user__username="operator02")
    assert overdue.events.filter(kind=EventKind.OVERDUE).count() == 1
    # Issued weeks ago, and its record says so.
    assert overdue.deadline_basis < overdue.deadline < today
    assert timezone.localtime(overdue.issued_at).date() == overdue.deadline_basis
    assert overdue.events.get(kind=EventKind.ISSUED).at == overdue.issued_at
    # The institution's task to report is open for every notice.
    assert Task.objects.filter(process__rectificationprocess__notice__isnull=False, status="NEW",
                               flow_task_type="HUMAN").count() == 3

    waiting = Inspection.objects.filter(findings__isnull=False, rectification_notices__isnull=True).distinct()
    assert waiting.count() == 3
    assert {i.scheduled_for for i in waiting} == {today - dt.timedelta(days=FRESH_CHECK_DAYS_AGO)}
    assert Finding.objects.filter(inspection__in=waiting, major_hazard=True, fire_hazard=True).count() == 1
    operator01 = waiting.get(institution__accounts__user__username="operator01")
    assert set(operator01.team.values_list("user__username", flat=True)) == {"inspector_donghu1", "fire_donghu1"}
    assert operator01.department.name == "东湖区民政局"

    # The head's list shows the deadlines that need attention.
    client.force_login(operator01.department.officials.get(user__username="head_donghu").user)
    page = client.get("/rectification/notices/").content.decode()
    assert "逾期" in page and "3 个工作日内到期" in page

    before = (Inspection.objects.count(), RectificationNotice.objects.count(), Task.objects.count())
    assert seed_inspections() == 0
    assert (Inspection.objects.count(), RectificationNotice.objects.count(), Task.objects.count()) == before


@pytest.mark.parametrize("day", [dt.date(2027, 1, 4), dt.date(2028, 6, 15)], ids=["after-new-year", "in-2028"])
def test_loaded_on_another_day_the_demo_has_the_same_kinds_of_deadline(settings, time_machine, day):
    """Just after New Year the notices were issued last year; in 2028 no holiday is entered and
    every deadline is counted provisionally, by the weekend rule."""
    time_machine.move_to(local(day), tick=False)
    seed(settings)
    assert sorted(deadline_states().values()) == sorted(
        [DeadlineState.DUE_SOON, DeadlineState.OVERDUE, DeadlineState.ON_TIME])
    provisional = dict(RectificationNotice.objects.values_list(
        "institution__accounts__user__username", "deadline_provisional"))
    if day.year == 2028:
        assert set(provisional.values()) == {True}
    else:  # the overdue notice ran out in December 2026; the others reach into 2027
        assert provisional == {"operator01": True, "operator02": False, "operator03": True}


def test_outside_the_demo_city_it_does_nothing(db):
    assert seed_inspections() == 0
