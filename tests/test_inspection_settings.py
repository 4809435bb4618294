"""The notice lead time and the publicity deadline are settings with defaults (DOMAIN.md §2)."""

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from supervision.core.calendar import add_working_days
from supervision.inspections import services
from tests.url_rules_inspections import scheduled_inspection


def test_the_defaults_are_three_and_twenty_working_days():
    assert django_settings.INSPECTION_NOTICE_WORKING_DAYS == 3
    assert django_settings.INSPECTION_PUBLICITY_WORKING_DAYS == 20


def test_a_longer_notice_lead_time_is_enforced(world, settings):
    settings.INSPECTION_NOTICE_WORKING_DAYS = 5
    inspection = scheduled_inspection(world, scheduled_for=None)
    today = dt.date(2026, 12, 1)
    with pytest.raises(ValidationError):
        services.issue_inspection_notice(world.inspector_x, inspection, scheduled_for=add_working_days(today, 4).date,
                                         today=today)
    services.issue_inspection_notice(world.inspector_x, inspection, scheduled_for=add_working_days(today, 5).date,
                                     today=today)


def test_the_publicity_deadline_follows_the_setting(db, settings):
    settings.INSPECTION_PUBLICITY_WORKING_DAYS = 10
    day = dt.date(2026, 3, 2)
    assert services.publicity_deadline(day).date == add_working_days(day, 10).date
