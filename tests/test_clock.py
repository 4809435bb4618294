"""supervision.core.clock: today and now follow time-machine; `replaying` stands them at a past moment."""

import datetime as dt

import pytest

from supervision.core import clock
from tests.clocks import local


def test_today_is_the_date_in_the_bureaus_time_zone_not_in_utc(time_machine):
    # 17:30 UTC on 31 December is already 1 January in Asia/Shanghai.
    time_machine.move_to(dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.timezone.utc), tick=False)
    assert clock.today() == dt.date(2027, 1, 1)
    assert clock.now() == dt.datetime(2026, 12, 31, 17, 30, tzinfo=dt.timezone.utc)


def test_replaying_stands_the_clock_at_a_past_moment_and_gives_it_back(time_machine):
    time_machine.move_to(local(dt.date(2026, 12, 3)), tick=False)
    with clock.replaying(local(dt.date(2026, 11, 16), 9)) as moment:
        assert clock.now() == moment
        assert clock.today() == dt.date(2026, 11, 16)
    assert clock.today() == dt.date(2026, 12, 3)


def test_replaying_refuses_a_moment_without_a_time_zone():
    with pytest.raises(ValueError), clock.replaying(dt.datetime(2026, 11, 16, 9)):
        pass


@pytest.mark.django_db
def test_a_record_made_while_replaying_is_stamped_with_the_replayed_moment(world):
    from supervision.staff.models import ConflictOfInterest

    moment = local(dt.date(2025, 3, 1))
    with clock.replaying(moment):
        conflict = ConflictOfInterest.objects.create(
            official=world.inspector_x.official, institution=world.inst_p, reason="亲属任职")
    assert conflict.declared_at == moment
