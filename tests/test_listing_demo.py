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
    # Through its process: reviewed and notified by their tasks, now waiting for the delivery.
    from workflows.listing.flows import ListingsFlow, open_tasks

    done = case.process.task_set.filter(status="DONE").values_list("flow_task", flat=True)
    assert {ListingsFlow.review, ListingsFlow.issue_notice} <= set(done)
    assert open_tasks(case, ListingsFlow.delivery).exists()
    call_command("seed_demo", verbosity=0)
    assert ListingCase.objects.count() == 1
