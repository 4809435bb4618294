"""Working days (工作日) by China's official calendar: where every deadline is counted.

Pure Python, no Django: `supervision.core.calendar` builds a `WorkCalendar` from the holiday
tables and hands it out.

The calendar knows a set of years whose State Council schedule (国务院办公厅放假安排通知) has
been entered. In those years a day is a working day by the Monday–Friday rule unless an
exception says otherwise: a public holiday on a weekday (放假) is not, a make-up working day on
a weekend (调休上班) is. In any other year only weekends are days off, and every result that
counted such a day is *provisional* (临时计算) and names the years it guessed at, so the user
can be told and an administrator can enter the schedule.

Counting rule for `add_working_days(start, n)`:
  - day 1 is the first working day strictly after `start`, whatever kind of day `start` is
    (a notice served on Saturday 2026-03-07 with 5 working days is due Friday 2026-03-13; one
    served on a Friday with 1 working day is due the next Monday);
  - n = 0 returns `start` unchanged (not provisional), even if `start` is a day off;
  - negative n is refused (ValueError).
`working_days_between(a, b)` counts the working days in (a, b], so for n ≥ 0
`working_days_between(start, add_working_days(start, n).date) == n`.

Both are computed in time proportional to the number of exceptions crossed, not the span, so
any date between `date.min` and `date.max` is fine; a result beyond `date.max` is a ValueError.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate

_LAST_ORDINAL = dt.date.max.toordinal()


@dataclass(frozen=True)
class WorkdayResult:
    """A date reached by counting working days, and whether that count had to guess."""

    date: dt.date
    provisional: bool = False
    # Years counted by the weekend-only rule because their schedule is not entered.
    unknown_years: tuple[int, ...] = ()


# Monday–Friday arithmetic on ordinals. Ordinal 1 (0001-01-01) is a Monday, so
# ordinals 1..5 are a working week and 6, 7 its weekend.

def _weekdays_up_to(ordinal: int) -> int:
    """How many Mondays–Fridays there are in ordinals 1..ordinal."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday_ordinal(count: int) -> int:
    """The ordinal of the count-th Monday–Friday since ordinal 1 (count ≥ 1)."""
    weeks, rest = divmod(count - 1, 5)
    return weeks * 7 + rest + 1


def _is_weekday(day: dt.date) -> bool:
    return day.weekday() < 5


class WorkCalendar:
    """The official working-day calendar for a set of known years.

    `exceptions` maps a date to whether it is a working day, for the days that break the
    Monday–Friday rule (weekday holidays → False, weekend make-up days → True). Entries that
    agree with the rule (a holiday falling on a Sunday) are allowed and change nothing. Every
    exception must lie in a known year.
    """

    def __init__(self, known_years: Iterable[int], exceptions: Mapping[dt.date, bool] | None = None):
        self.known_years = frozenset(known_years)
        exceptions = dict(exceptions or {})
        strays = sorted({d.year for d in exceptions} - self.known_years)
        if strays:
            raise ValueError(f"exceptions given for years not marked as known: {strays}")
        self._exceptions = {d: bool(w) for d, w in exceptions.items() if bool(w) != _is_weekday(d)}
        # Sorted overrides, and the running total of what they add to the weekday count.
        self._dates = sorted(self._exceptions)
        self._net = list(accumulate(1 if self._exceptions[d] else -1 for d in self._dates))

    def __repr__(self):
        years = sorted(self.known_years)
        span = f"{years[0]}–{years[-1]}" if years else "none"
        return f"<WorkCalendar known years {span}, {len(self._dates)} exceptions>"

    def is_known_year(self, year: int) -> bool:
        return year in self.known_years

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` is a working day (by the weekend-only rule in an unknown year)."""
        return self._exceptions.get(day, _is_weekday(day))

    def unknown_years_in(self, after: dt.date, through: dt.date) -> tuple[int, ...]:
        """The years not in the calendar that the days in (after, through] fall in."""
        if through <= after:
            return ()
        first = (after + dt.timedelta(days=1)).year
        return tuple(y for y in range(first, through.year + 1) if y not in self.known_years)

    def add_working_days(self, start: dt.date, n: int) -> WorkdayResult:
        """The n-th working day strictly after `start` (see the module docstring for the rule)."""
        if n < 0:
            raise ValueError(f"cannot add a negative number of working days ({n})")
        if n == 0:
            return WorkdayResult(start)
        day = self._nth_working_day_after(start, n)
        unknown = self.unknown_years_in(start, day)
        return WorkdayResult(day, provisional=bool(unknown), unknown_years=unknown)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]: after `a`, up to and including `b`; negative if b < a."""
        if b < a:
            return -self.working_days_between(b, a)
        weekdays = _weekdays_up_to(b.toordinal()) - _weekdays_up_to(a.toordinal())
        return weekdays + self._net_up_to(b) - self._net_up_to(a)

    def _net_up_to(self, day: dt.date) -> int:
        """What the exceptions on or before `day` add to (or take from) the weekday count."""
        i = bisect.bisect_right(self._dates, day)
        return self._net[i - 1] if i else 0

    def _nth_working_day_after(self, start: dt.date, n: int) -> dt.date:
        # Jump by weekday arithmetic across stretches without exceptions; stop at each
        # exception in the way, so the walk costs one step per exception crossed.
        ordinal, remaining = start.toordinal(), n
        i = bisect.bisect_right(self._dates, start)
        while True:
            candidate = _nth_weekday_ordinal(_weekdays_up_to(ordinal) + remaining)
            if i == len(self._dates) or candidate < self._dates[i].toordinal():
                break
            exception = self._dates[i]
            # Fewer than `remaining` weekdays lie before the exception: use them up, then the
            # exception itself counts only if it is a make-up working day.
            remaining -= _weekdays_up_to(exception.toordinal() - 1) - _weekdays_up_to(ordinal)
            ordinal = exception.toordinal()
            if self._exceptions[exception]:
                remaining -= 1
                if remaining == 0:
                    return exception
            i += 1
        if candidate > _LAST_ORDINAL:
            raise ValueError(f"{n} working days after {start} is past the last representable date")
        return dt.date.fromordinal(candidate)
