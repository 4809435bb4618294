"""The demo city gets inspections with findings in 东湖区 to walk the rectification loop, once."""

import io

import pytest
from django.core.management import call_command

from supervision.demo.rectification_demo import seed_inspections
from supervision.inspections.models import Finding, Inspection

pytestmark = pytest.mark.django_db


def test_the_demo_has_inspections_to_rectify_and_seeding_again_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    with_findings = Inspection.objects.filter(findings__isnull=False).distinct()
    assert with_findings.count() == 3
    assert Finding.objects.filter(major_hazard=True, fire_hazard=True).count() == 1
    operator01 = Inspection.objects.get(institution__accounts__user__username="operator01")
    assert set(operator01.team.values_list("user__username", flat=True)) == {"inspector_donghu1", "fire_donghu1"}
    assert operator01.department.name == "东湖区民政局"
    assert seed_inspections() == 0
    assert with_findings.count() == 3


def test_outside_the_demo_city_it_does_nothing(db):
    assert seed_inspections() == 0
