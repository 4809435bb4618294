"""Today and now, asked for in one way, so that tests and the demo can move them.

Every rule here turns on the date: deadlines, publication windows, certificate validity, the
age of a credit event. Product code asks `clock.today()` (the date in Asia/Shanghai, or the
configured TIME_ZONE) and `clock.now()` (an aware datetime), never `date.today()` or
`datetime.now()`. Tests move both together with the `frozen_today` fixture (time-machine).
"""

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    """The current moment, timezone-aware."""
    return timezone.now()


def today() -> dt.date:
    """Today's date where the bureau is (TIME_ZONE), not in UTC."""
    return timezone.localdate()
