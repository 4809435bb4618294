"""Year boundaries, on purpose: the calendar's holidays are entered for 2004–2026 only.

A deadline that reaches into a year whose schedule is not entered is counted by the weekend rule
and flagged provisional, whatever the year (no crash in 2031); a publication window ending on 31
December is exact, due that day and overdue on New Year's Day; a certificate that runs out on the
day of a draw still counts that day, and not the next.
"""

import datetime as dt
import json

import pytest

from supervision.core.calendar import calendar_warnings, provisional_note
from supervision.inspections import services as inspection_services
from supervision.inspections.models import Inspection
from supervision.sampling import services as sampling_services
from tests.clocks import local
from tests.factories import official
from tests.url_rules_inspections import submitted_inspection
from tests.url_rules_rectification import finding, inspection, issue
from tests.url_rules_sampling import approve, start

pytestmark = pytest.mark.django_db

NEW_YEARS_EVE = dt.date(2026, 12, 31)


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per process; these tests read it as the migration left it."""
    from supervision.core.calendar import forget_work_calendar

    forget_work_calendar()
    yield
    forget_work_calendar()


# --- a deadline into a year whose holidays are not entered -------------------------------------


@pytest.mark.parametrize("issued_on, unknown", [
    (dt.date(2026, 12, 28), "2027"),  # from the last known year into the first unknown one
    (dt.date(2031, 12, 29), "2032"),  # years past the calendar, across another New Year
])
def test_a_notice_whose_deadline_crosses_into_a_year_without_holidays_is_issued_with_a_provisional_deadline(
        client, world, time_machine, issued_on, unknown):
    time_machine.move_to(local(issued_on), tick=False)
    notice = issue(world, [finding(inspection(world), "G")])  # 10 working days
    assert notice.deadline.year == int(unknown)
    assert notice.deadline_provisional
    assert notice.deadline_basis == issued_on and str(issued_on.year) in notice.number
    assert any(unknown in warning for warning in calendar_warnings())
    client.force_login(world.head_x)
    page = client.get(f"/rectification/notices/{notice.pk}/detail/")
    assert page.status_code == 200 and notice.deadline.isoformat() in page.content.decode()


def test_a_publicity_deadline_past_the_calendar_is_provisional_and_names_the_year():
    result = inspection_services.publicity_deadline(dt.date(2026, 12, 4))
    assert result.date == dt.date(2027, 1, 1)  # 20 working days by the weekend rule: New Year's Day
    assert result.provisional and result.unknown_years == (2027,)
    assert "2027" in provisional_note(result)


# --- a publication window that ends on 31 December ---------------------------------------------


def _publicity_states(client, user, day, time_machine):
    time_machine.move_to(local(day), tick=False)
    client.force_login(user)
    return {r.pk: r.publicity_state for r in client.get("/inspection/publicity/?state=all").context["rows"]}


def test_a_publication_window_ending_on_new_years_eve_is_exact_due_that_day_and_overdue_the_next(
        client, world, time_machine):
    # Checked on Thursday 3 December 2026: 20 working days (no holiday in December) end on Thursday 31.
    result = inspection_services.publicity_deadline(dt.date(2026, 12, 3))
    assert (result.date, result.provisional) == (NEW_YEARS_EVE, False)
    record = submitted_inspection(world, non_compliant=0)
    Inspection.objects.filter(pk=record.pk).update(publicity_deadline=result.date)

    assert _publicity_states(client, world.head_x, NEW_YEARS_EVE, time_machine)[record.pk] == "due_soon"
    assert _publicity_states(client, world.head_x, dt.date(2027, 1, 1), time_machine)[record.pk] == "overdue"


# --- a certificate that runs out on the day of the draw ----------------------------------------


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _drawn_inspectors(world, day, time_machine) -> set[int]:
    """The inspectors frozen into the draw's inputs when the plan is approved (and its seed
    committed) on `day`."""
    time_machine.move_to(local(day), tick=False)
    plan = start(world, period_start=day, period_end=day + dt.timedelta(days=30))
    approve(world, plan, world.head_x, world.civil_x)
    inputs = json.loads(sampling_services.frozen_inputs(sampling_services.current_draw(plan)))
    return {i["id"] for i in inputs["inspectors"]}


@pytest.mark.parametrize("day, counted", [(NEW_YEARS_EVE, True), (dt.date(2027, 1, 1), False)],
                         ids=["on-its-last-day", "the-day-after"])
def test_a_certificate_running_out_on_the_day_of_the_draw_counts_that_day_only(
        _media, world, time_machine, day, counted):
    expiring = official("expiring_x", world.civil_x, "inspector", certificate="CERT-X-EXP",
                        certificate_valid_until=NEW_YEARS_EVE, specialties=["general"])
    assert (expiring.pk in _drawn_inspectors(world, day, time_machine)) is counted
