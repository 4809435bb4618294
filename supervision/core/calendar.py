"""The official working-day calendar from the database: HolidayYear and CalendarDay → WorkCalendar.

The counting itself lives in core/workdays.py. Here the calendar is built from the tables once
per process and kept; saving or deleting a HolidayYear or CalendarDay drops it (signals in
core/models.py), and it is rebuilt anyway after CACHE_SECONDS so that other processes (web
workers, background workers) pick up a newly entered year without a restart.
"""

import datetime as dt
import threading
import time

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from supervision.core import clock
from supervision.core.models import CalendarDay, HolidayYear
from supervision.core.roles import is_administrator
from supervision.core.workdays import WorkCalendar, WorkdayResult

CACHE_SECONDS = 300
# How far ahead administrators are warned about a year whose schedule is missing. Notices give at
# most a few months to comply, and the State Council publishes the next year's schedule in Oct–Dec.
WARNING_HORIZON_DAYS = 92

_lock = threading.Lock()
_cached: tuple[WorkCalendar, float] | None = None


def work_calendar() -> WorkCalendar:
    """The calendar as entered in the database (cached in this process)."""
    global _cached
    with _lock:
        if _cached is None or time.monotonic() - _cached[1] > CACHE_SECONDS:
            _cached = (_build_calendar(), time.monotonic())
        return _cached[0]


def forget_work_calendar() -> None:
    """Drop the cached calendar; the next call rebuilds it from the tables."""
    global _cached
    with _lock:
        _cached = None


def _build_calendar() -> WorkCalendar:
    years = HolidayYear.objects.values_list("year", flat=True)
    days = CalendarDay.objects.values_list("date", "is_working_day")
    return WorkCalendar(years, dict(days))


def add_working_days(start: dt.date, n: int) -> WorkdayResult:
    """The n-th working day after `start`; see core/workdays.py for the counting rule."""
    return work_calendar().add_working_days(start, n)


def working_days_between(a: dt.date, b: dt.date) -> int:
    return work_calendar().working_days_between(a, b)


def is_working_day(day: dt.date) -> bool:
    return work_calendar().is_working_day(day)


def provisional_note(result: WorkdayResult) -> str:
    """The words to show beside a provisional deadline, or "" for an exact one."""
    if not result.provisional:
        return ""
    years = "、".join(str(y) for y in result.unknown_years)
    return ngettext(
        "provisional: the %(years)s holiday schedule has not been entered yet",
        "provisional: the %(years)s holiday schedules have not been entered yet",
        len(result.unknown_years),
    ) % {"years": years}


def _today() -> dt.date:
    return clock.today()


def missing_calendar_years(horizon: int = WARNING_HORIZON_DAYS, today: dt.date | None = None) -> list[int]:
    """Years from today to `horizon` days ahead that have no HolidayYear, earliest first."""
    today = today or _today()
    try:
        last = today + dt.timedelta(days=horizon)
    except OverflowError:
        last = dt.date.max
    wanted = range(today.year, last.year + 1)
    known = set(HolidayYear.objects.filter(year__in=list(wanted)).values_list("year", flat=True))
    return [year for year in wanted if year not in known]


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """Messages for administrators about holiday schedules that still need entering."""
    return [
        _("The %(year)s holiday schedule has not been entered; deadlines reaching into %(year)s "
          "are calculated provisionally.") % {"year": year}
        for year in missing_calendar_years(today=today)
    ]


def is_calendar_administrator(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Who keeps the calendar: superusers and the "administrator" group."""
    if not user.is_authenticated:
        return False
    return is_administrator(user)
