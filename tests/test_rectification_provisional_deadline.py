"""A notice issued on 2026-12-24 with 10 working days reaches into 2027, whose holiday schedule is
not entered: the deadline is provisional and the administrator is warned, until 2027 is entered."""

import datetime as dt

import pytest

from supervision.core.calendar import calendar_warnings
from supervision.core.models import CalendarDay, HolidayYear
from supervision.rectification.services import refresh_provisional_deadlines
from tests.clocks import local
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db
CHRISTMAS_EVE = dt.date(2026, 12, 24)


@pytest.fixture(autouse=True)
def _on_christmas_eve(time_machine):
    """The notices are issued, and extended, on Thursday 24 December 2026."""
    time_machine.move_to(local(CHRISTMAS_EVE), tick=False)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per process: a year entered by another test is rolled back, not forgotten."""
    from supervision.core.calendar import forget_work_calendar

    forget_work_calendar()
    yield
    forget_work_calendar()


def test_a_deadline_into_an_unknown_year_is_provisional_until_the_year_is_entered(client, world):
    assert not HolidayYear.objects.filter(year=2027).exists()
    notice = issue(world, [finding(inspection(world), "G")], today=CHRISTMAS_EVE)
    # 25, 28–31 December, then 2027 counted by the weekend rule only: 1, 4, 5, 6, 7 January.
    assert notice.deadline == dt.date(2027, 1, 7)
    assert notice.deadline_provisional

    client.force_login(world.admin)
    page = client.get(f"/rectification/notices/{notice.pk}/detail/").content.decode()
    assert "2027-01-07" in page
    assert any("2027" in w for w in calendar_warnings(today=CHRISTMAS_EVE))

    # The administrator enters 2027: New Year's Day on Friday 1 January is a holiday.
    year = HolidayYear.objects.create(year=2027, source="国办发明电〔2026〕X号")
    CalendarDay.objects.create(holiday_year=year, date=dt.date(2027, 1, 1), name="元旦")
    assert refresh_provisional_deadlines() == 1
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2027, 1, 8)
    assert not notice.deadline_provisional
    assert not any("2027" in w for w in calendar_warnings(today=CHRISTMAS_EVE))


def test_the_recount_moves_the_deadline_timer_too(world, django_capture_on_commit_callbacks):
    from django.utils import timezone
    from viewflow.workflow.models import Task

    notice = issue(world, [finding(inspection(world), "G")], today=CHRISTMAS_EVE)
    year = HolidayYear.objects.create(year=2027)
    CalendarDay.objects.create(holiday_year=year, date=dt.date(2027, 1, 1), name="元旦")
    with django_capture_on_commit_callbacks(execute=True):
        refresh_provisional_deadlines()
    timer = Task.objects.get(process__rectificationprocess__notice=notice, flow_task_type="TIMER")
    assert timezone.localtime(timer.scheduled) == timezone.make_aware(dt.datetime(2027, 1, 9))


def test_a_recount_follows_the_whole_chain_of_an_extended_provisional_deadline(world):
    from tests.url_rules_rectification import ask_extension, grant_extension

    notice = issue(world, [finding(inspection(world), "G")], today=CHRISTMAS_EVE)
    assert (notice.deadline, notice.deadline_provisional) == (dt.date(2027, 1, 7), True)
    ask_extension(world, notice, days=5)
    grant_extension(world, notice)
    notice.refresh_from_db()
    assert (notice.deadline, notice.deadline_provisional) == (dt.date(2027, 1, 14), True)

    year = HolidayYear.objects.create(year=2027)
    CalendarDay.objects.create(holiday_year=year, date=dt.date(2027, 1, 1), name="元旦")
    assert refresh_provisional_deadlines() == 1
    notice.refresh_from_db()
    # Issued: 2026-12-24 + 10 → 2027-01-08 with New Year's Day; then + 5 → 2027-01-15.
    assert (notice.deadline, notice.deadline_provisional) == (dt.date(2027, 1, 15), False)


def test_a_recount_leaves_a_notice_whose_deadline_moved_meanwhile(world, monkeypatch):
    from supervision.rectification import services

    notice = issue(world, [finding(inspection(world), "G")], today=CHRISTMAS_EVE)
    year = HolidayYear.objects.create(year=2027)
    CalendarDay.objects.create(holiday_year=year, date=dt.date(2027, 1, 1), name="元旦")
    # The list was read before another transaction moved the deadline (an extension granted).
    monkeypatch.setattr(services, "_provisional_candidates", lambda: [(notice.pk, dt.date(2027, 1, 6))])
    assert refresh_provisional_deadlines() == 0
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2027, 1, 7)  # left for the next run, not overwritten
    monkeypatch.undo()
    assert refresh_provisional_deadlines() == 1
