"""Moments in the bureau's time zone, for tests that set the clock.

A test whose story happens on given dates moves the clock there with time-machine's pytest
fixture: `time_machine.move_to(local(dt.date(2026, 11, 23)), tick=False)`. The product reads
the clock through supervision.core.clock, which follows.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings


def local(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """`day` at hour:minute on the wall clock in TIME_ZONE (Asia/Shanghai), as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(settings.TIME_ZONE))
