"""The periodic jobs, by moving time: publication ends by itself at the maximum period, and partner
departments that have not acknowledged a notice are reminded once a day."""

import datetime as dt

import pytest
from django.utils import translation

from supervision.listings import services
from supervision.listings.models import PartnerNotice, Stage
from supervision.notifications.models import Notification
from tests.builders.listings import listed
from tests.clocks import local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the msgids); the catalogue gives them in Chinese."""
    with translation.override("en"):
        yield


def test_publication_ends_by_itself_at_the_maximum_period(client, world, time_machine, settings):
    settings.BLACKLIST_MAXIMUM_MONTHS = 36
    case = listed(world)
    end = case.publication_ends_on
    assert end == services.add_months(case.listed_on, 36)
    time_machine.move_to(local(end - dt.timedelta(days=1)), tick=False)
    assert services.end_expired_listings() == 0
    assert case.decision_number in client.get("/public/listings/").content.decode()
    time_machine.move_to(local(end), tick=False)
    assert case.decision_number not in client.get("/public/listings/").content.decode()  # not even waiting for the job
    assert services.end_expired_listings() == 1
    assert services.end_expired_listings() == 0  # once
    case.refresh_from_db()
    assert case.stage == Stage.EXPIRED and case.removed_on == end
    assert not PartnerNotice.objects.filter(case=case, lifted_at__isnull=True).exists()
    # Told of the listing, then of its end: both name the decision.
    assert Notification.objects.filter(recipient=world.fire_inspector_x, text__contains=case.decision_number).count() == 2
    assert not services.is_listed(world.inst_p)


def test_the_maximum_period_is_a_setting(world, settings):
    settings.BLACKLIST_MAXIMUM_MONTHS = 12
    case = listed(world)
    assert case.publication_ends_on == services.add_months(case.listed_on, 12)


def test_unacknowledged_notices_are_chased_once_a_day_until_acknowledged(world, time_machine):
    case = listed(world)
    fire = PartnerNotice.objects.get(case=case, department=world.fire_x)
    market = PartnerNotice.objects.get(case=case, department=world.market_x)
    services.acknowledge(world.fire_inspector_x, fire)
    time_machine.move_to(local(market.acknowledge_by), tick=False)
    assert services.chase_unacknowledged() == 0  # still in time on the day itself
    time_machine.move_to(local(market.acknowledge_by + dt.timedelta(days=1)), tick=False)
    assert services.chase_unacknowledged() == 1
    assert services.chase_unacknowledged() == 0  # once a day
    reminders = Notification.objects.filter(recipient=world.market_official_x, text__startswith="Reminder")
    assert reminders.count() == 1
    assert Notification.objects.filter(recipient=world.head_x, text__contains="has not acknowledged").exists()
    time_machine.move_to(local(market.acknowledge_by + dt.timedelta(days=2)), tick=False)
    assert services.chase_unacknowledged() == 1
    market.refresh_from_db()
    assert market.chases == 2
    services.acknowledge(world.market_official_x, market)
    time_machine.move_to(local(market.acknowledge_by + dt.timedelta(days=3)), tick=False)
    assert services.chase_unacknowledged() == 0


def test_the_desk_flags_an_overdue_acknowledgement(client, world, time_machine):
    case = listed(world)
    notice = PartnerNotice.objects.filter(case=case).first()
    time_machine.move_to(local(notice.acknowledge_by + dt.timedelta(days=1)), tick=False)
    client.force_login(world.head_x)
    overdue = client.get("/listings/cases/?overdue=true").content.decode()
    assert f"/listings/cases/{case.pk}/detail/" in overdue
    assert f"/listings/cases/{case.pk}/detail/" not in client.get("/listings/cases/?overdue=false").content.decode()
