"""Rectification deadlines: working days by severity cell (DeadlineRule), counted by the official calendar."""

import datetime as dt
from dataclasses import dataclass

from supervision.core import clock
from supervision.core.calendar import add_working_days
from supervision.core.workdays import WorkdayResult
from supervision.rectification.models import DeadlineRule, EventKind

# Used only while a severity has no rule row (the migration seeds all twelve).
FALLBACK_RULE = (10, 1, 60)
DUE_SOON_WORKING_DAYS = 3


@dataclass(frozen=True)
class DayRange:
    default: int
    minimum: int
    maximum: int

    def allows(self, days: int) -> bool:
        return self.minimum <= days <= self.maximum


def day_range_for(severities) -> DayRange:
    """The range for a notice: the strictest rule among its findings' severity cells."""
    rules = {r.severity: r for r in DeadlineRule.objects.filter(severity__in=set(severities))}
    candidates = [
        DayRange(r.default_days, r.min_days, r.max_days) if (r := rules.get(s)) else DayRange(*FALLBACK_RULE)
        for s in severities
    ] or [DayRange(*FALLBACK_RULE)]
    return min(candidates, key=lambda r: (r.default, r.maximum))


def deadline_after(start: dt.date, working_days: int) -> WorkdayResult:
    return add_working_days(start, working_days)


def due_soon_limit(today: dt.date | None = None) -> dt.date:
    """Open notices due on or before this date (and not yet past) are 'due within 3 working days'."""
    today = today or clock.today()
    return add_working_days(today, DUE_SOON_WORKING_DAYS).date


def recount_deadline(notice) -> WorkdayResult:
    """The notice's deadline counted again along its whole chain, with today's calendar.

    The issue (basis + working days), then in order each granted extension (from the deadline
    then in force, or from the decision day if later) and each failed re-check (from its day).
    """
    due = deadline_after(notice.deadline_basis, notice.deadline_days)
    steps = notice.events.filter(kind__in=[EventKind.EXTENSION_GRANTED, EventKind.RECHECK_FAILED]).order_by("at", "pk")
    for step in steps:
        data = step.data
        if "days" not in data:  # recorded before steps kept their days: keep the date as recorded
            due = WorkdayResult(dt.date.fromisoformat(data["deadline"]), due.provisional)
        elif step.kind == EventKind.EXTENSION_GRANTED:
            start = max(due.date, dt.date.fromisoformat(data["decided_on"]))
            after = deadline_after(start, data["days"])
            due = WorkdayResult(after.date, after.provisional or (start == due.date and due.provisional))
        else:
            due = deadline_after(dt.date.fromisoformat(data["basis"]), data["days"])
    return due
