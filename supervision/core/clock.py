"""Today and now, asked for in one way, so that tests and the demo can move them.

Every rule here turns on the date: deadlines, publication windows, certificate validity, the
age of a credit event. Product code asks `clock.today()` (the date in Asia/Shanghai, or the
configured TIME_ZONE) and `clock.now()` (an aware datetime), never `timezone.now()`,
`timezone.localdate()`, `date.today()` or `datetime.now()`; tests/test_clock_reads.py holds the
sources to that. A test that depends on the date sets it, with time-machine's `time_machine`
fixture (it moves both at once) or by passing the date to the service.

`replaying(moment)` stands the clock still at a past moment for a block of code: the demo writes
its history (a notice issued three weeks ago) through the ordinary services, so that every date
they record agrees. Records that are not the product's own (Django's `auto_now_add`, Viewflow's
task times, the audit log) keep the real time.
"""

import contextlib
import contextvars
import datetime as dt

from django.utils import timezone

_replayed: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("replayed_moment", default=None)


def now() -> dt.datetime:
    """The current moment, timezone-aware (model fields take it as `default=clock.now`)."""
    moment = _replayed.get()
    return timezone.now() if moment is None else moment


@contextlib.contextmanager
def replaying(moment: dt.datetime):
    """Inside the block, now() is `moment` (aware) and today() its local date. For writing demo
    history; request handling never replays."""
    if timezone.is_naive(moment):
        raise ValueError("replaying() needs an aware datetime")
    token = _replayed.set(moment)
    try:
        yield moment
    finally:
        _replayed.reset(token)


def today() -> dt.date:
    """Today's date where the bureau is (TIME_ZONE), not in UTC."""
    return timezone.localdate(now())
