"""Counting working days by the official calendar (core/workdays.py): pure, no database."""

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supervision.core.workdays import WorkCalendar, WorkdayResult

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "holidays" / "cn-2004-2026.json"


def _calendar_from_fixture() -> WorkCalendar:
    years = json.loads(FIXTURE.read_text(encoding="utf-8"))
    exceptions = {dt.date.fromisoformat(d["date"]): d["is_working_day"] for y in years for d in y["days"]}
    return WorkCalendar([y["year"] for y in years], exceptions)


CAL = _calendar_from_fixture()
D = dt.date


def add(start, n):
    return CAL.add_working_days(start, n)


def test_a_saturday_start_counts_from_the_next_working_day():
    # The case chinesecalendar's find_workday gets wrong.
    assert add(D(2026, 3, 7), 5) == WorkdayResult(D(2026, 3, 13))


def test_a_sunday_start_counts_the_same_as_saturday():
    assert add(D(2026, 3, 8), 5).date == D(2026, 3, 13)


def test_a_friday_plus_one_is_the_next_monday():
    assert add(D(2026, 3, 6), 1).date == D(2026, 3, 9)


def test_a_working_day_start_is_not_counted():
    assert add(D(2026, 3, 9), 1).date == D(2026, 3, 10)


def test_zero_days_returns_the_start_unchanged_even_on_a_day_off():
    assert add(D(2026, 3, 7), 0) == WorkdayResult(D(2026, 3, 7))


def test_negative_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        add(D(2026, 3, 7), -1)


def test_spring_festival_2026_skips_the_holiday_and_counts_the_make_up_saturdays():
    # Holiday Sun 2-15 … Mon 2-23; make-up working Saturdays 2-14 and 2-28.
    assert CAL.is_working_day(D(2026, 2, 14)) and CAL.is_working_day(D(2026, 2, 28))
    assert not CAL.is_working_day(D(2026, 2, 16))
    assert add(D(2026, 2, 13), 1).date == D(2026, 2, 14)  # Friday + 1 = the make-up Saturday
    assert add(D(2026, 2, 13), 2).date == D(2026, 2, 24)  # then straight over the festival
    assert add(D(2026, 2, 12), 7).date == D(2026, 2, 28)  # 13, 14, 24, 25, 26, 27, 28 (Sat)
    assert add(D(2026, 2, 12), 8).date == D(2026, 3, 2)


def test_national_day_2026_with_the_make_up_sunday_and_saturday():
    # Mid-autumn Fri 9-25 … Sun 9-27; National Day Thu 10-1 … Wed 10-7; make-up Sun 9-20 and Sat 10-10.
    assert add(D(2026, 9, 18), 1).date == D(2026, 9, 20)
    assert add(D(2026, 9, 24), 1).date == D(2026, 9, 28)
    assert add(D(2026, 9, 30), 1).date == D(2026, 10, 8)
    assert add(D(2026, 9, 30), 3).date == D(2026, 10, 10)
    assert add(D(2026, 9, 30), 4).date == D(2026, 10, 12)
    assert CAL.working_days_between(D(2026, 9, 17), D(2026, 10, 12)) == 13


def test_a_make_up_working_sunday_start_is_not_itself_counted():
    # Sunday 2026-01-04 is worked (元旦调休); starting on it, day 1 is Monday 2026-01-05.
    assert CAL.is_working_day(D(2026, 1, 4))
    assert add(D(2026, 1, 4), 1).date == D(2026, 1, 5)
    assert add(D(2026, 1, 3), 1).date == D(2026, 1, 4)


def test_a_count_into_an_unknown_year_is_provisional_and_names_the_year():
    result = add(D(2026, 12, 30), 3)
    assert result.provisional and result.unknown_years == (2027,)
    # Weekend-only rule in 2027: Thu 12-31, Fri 2027-01-01, Mon 01-04.
    assert result.date == D(2027, 1, 4)


def test_ten_working_days_from_christmas_eve_2026_land_in_2027_provisionally():
    result = add(D(2026, 12, 24), 10)
    # 2026: Fri 25, Mon 28, Tue 29, Wed 30, Thu 31 = 5; 2027 by weekends only:
    # Fri 1, Mon 4, Tue 5, Wed 6, Thu 7 = 10.
    assert result == WorkdayResult(D(2027, 1, 7), provisional=True, unknown_years=(2027,))


def test_a_count_ending_on_new_years_eve_is_exact():
    result = add(D(2026, 12, 24), 5)
    assert result == WorkdayResult(D(2026, 12, 31))


def test_the_start_year_does_not_make_a_result_provisional():
    # Starting on a 2003 date (unknown) but counting only 2004 days: exact.
    assert add(D(2003, 12, 31), 1) == WorkdayResult(D(2004, 1, 2))  # 2004-01-01 元旦


def test_several_unknown_years_are_all_listed():
    result = add(D(2026, 12, 31), 600)
    assert result.provisional and result.unknown_years == (2027, 2028, 2029)


def test_any_date_works_and_overflow_is_a_clear_error():
    assert add(D(1, 1, 1), 1).date == D(1, 1, 2)
    assert add(D(9999, 12, 30), 1).date == D(9999, 12, 31)  # a Friday
    assert add(D(2026, 3, 7), 10**6).provisional
    with pytest.raises(ValueError, match="last representable date"):
        add(D(9999, 12, 31), 1)
    with pytest.raises(ValueError, match="last representable date"):
        add(D(2026, 1, 1), 10**7)
    assert CAL.working_days_between(dt.date.min, dt.date.max) > 0


def test_working_days_between_counts_after_the_first_through_the_second():
    assert CAL.working_days_between(D(2026, 3, 7), D(2026, 3, 13)) == 5
    assert CAL.working_days_between(D(2026, 3, 13), D(2026, 3, 7)) == -5
    assert CAL.working_days_between(D(2026, 3, 9), D(2026, 3, 9)) == 0


def test_exceptions_outside_the_known_years_are_refused():
    with pytest.raises(ValueError, match="2027"):
        WorkCalendar({2026}, {D(2027, 1, 1): False})


def test_an_empty_calendar_counts_weekends_only():
    cal = WorkCalendar(set())
    assert cal.add_working_days(D(2026, 10, 1), 1) == WorkdayResult(D(2026, 10, 2), True, (2026,))


# --- properties --------------------------------------------------------------------------------

dates = st.one_of(
    st.dates(D(2003, 6, 1), D(2027, 6, 30)),  # where the exceptions are
    st.dates(D(1, 1, 1), D(9000, 12, 31)),
)
counts = st.integers(min_value=1, max_value=400)


def _slow_add(cal: WorkCalendar, start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= cal.is_working_day(day)
    return day


@given(dates, counts)
def test_the_result_is_a_working_day_and_counts_back_to_n(start, n):
    result = add(start, n)
    assert CAL.is_working_day(result.date)
    assert result.date > start
    assert CAL.working_days_between(start, result.date) == n


@given(dates, counts)
def test_one_more_working_day_is_a_later_date(start, n):
    assert add(start, n + 1).date > add(start, n).date


@given(dates, st.integers(min_value=1, max_value=60))
def test_the_fast_count_agrees_with_walking_day_by_day(start, n):
    assert add(start, n).date == _slow_add(CAL, start, n)


@given(st.dates(D(2026, 1, 1), D(2030, 12, 31)), counts)
def test_provisional_exactly_when_a_counted_day_is_outside_the_known_years(start, n):
    result = add(start, n)
    assert result.provisional == (result.date.year > 2026)
    first_counted = (start + dt.timedelta(days=1)).year
    assert result.unknown_years == tuple(range(max(first_counted, 2027), result.date.year + 1))
