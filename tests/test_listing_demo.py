"""The demo city holds a listing case waiting for the institution's answer; seeding again adds nothing."""

import pytest
from django.core.management import call_command

from supervision.listings.models import ListingCase, Stage

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_notified_case_and_a_second_run_adds_none(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    case = ListingCase.objects.get()
    assert case.stage == Stage.REPRESENTATION and case.prior_notice_number
    assert case.institution.accounts.filter(user__username="operator02").exists()
    call_command("seed_demo", verbosity=0)
    assert ListingCase.objects.count() == 1
