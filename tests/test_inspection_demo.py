"""The demo inspector has inspections today in the field app, and seeding again changes nothing."""

import pytest
from django.core.management import call_command

from supervision.demo.inspection_demo import seed_field_inspections


@pytest.mark.django_db
def test_the_demo_inspector_has_inspections_today(client):
    call_command("seed_demo", force=True, verbosity=0)
    seed_field_inspections()
    assert seed_field_inspections() == 0
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="inspector_donghu1"))
    data = client.get("/field/api/inspections/").json()
    today = [i for i in data["inspections"] if i["scheduled_for"] == data["today"]]
    assert len(today) >= 2
    assert {i["announced"] for i in today} == {True, False}
