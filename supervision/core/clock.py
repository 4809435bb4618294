"""Today and now, asked for in one way, so that tests and the demo can move them.

Every rule here turns on the date: deadlines, publication windows, certificate validity, the
age of a credit event. Product code asks `clock.today()` (the date in Asia/Shanghai, or the
configured TIME_ZONE) and `clock.now()` (an aware datetime), never `timezone.now()`,
`timezone.localdate()`, `date.today()` or `datetime.now()`; tests/test_clock_reads.py holds the
sources to that. A test that depends on the date sets it, with time-machine's `time_machine`
fixture (it moves both at once) or by passing the date to the service.
"""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, timezone-aware (model fields take it as `default=clock.now`)."""
    return timezone.now()


def today() -> dt.date:
    """Today's date where the bureau is (TIME_ZONE), not in UTC."""
    return timezone.localdate(now())
