"""The dashboard's period: this month, quarter or year, and the one before it to compare with."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MONTH, QUARTER, YEAR = "month", "quarter", "year"
KINDS = {MONTH: _("This month"), QUARTER: _("This quarter"), YEAR: _("This year")}


@dataclass(frozen=True)
class Period:
    kind: str
    first: dt.date
    last: dt.date

    def previous(self) -> "Period":
        return period_containing(self.kind, self.first - dt.timedelta(days=1))


def _months(kind: str) -> int:
    return {MONTH: 1, QUARTER: 3, YEAR: 12}[kind]


def period_containing(kind: str, day: dt.date) -> Period:
    months = _months(kind)
    first_month = (day.month - 1) // months * months + 1
    first = dt.date(day.year, first_month, 1)
    year, month0 = divmod(day.year * 12 + first_month - 1 + months, 12)
    return Period(kind, first, dt.date(year, month0 + 1, 1) - dt.timedelta(days=1))


def parse_kind(value) -> str:
    return value if value in KINDS else MONTH
