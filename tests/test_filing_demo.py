"""The demo city has filings to walk: two accepted with public commitments, one returned, once."""

import io

import pytest
from django.core.management import call_command

from supervision.demo.filing_demo import seed_filings
from supervision.filings.models import Filing, FilingVerification

pytestmark = pytest.mark.django_db


def test_the_demo_has_accepted_and_returned_filings_and_seeding_again_changes_nothing(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    states = sorted(Filing.objects.values_list("state", flat=True))
    assert states == ["accepted", "accepted", "returned"]
    assert FilingVerification.objects.filter(filing__state="accepted").count() == 2
    accepted = Filing.objects.filter(state="accepted").select_related("institution").first()
    page = client.get(f"/public/commitments/{accepted.institution.credit_code}/")
    assert page.status_code == 200 and accepted.receipt_number in page.content.decode()
    assert seed_filings() == 0
    assert Filing.objects.count() == 3


def test_outside_the_demo_city_it_does_nothing(db):
    assert seed_filings() == 0
