"""The demo city's grades are scored from demo events: every institution has a grade whose
explanation adds up to its score, and the registry's credit class is that grade."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.core.management import call_command

from supervision.credit import services
from supervision.credit.models import CreditEvent, CreditStanding
from supervision.demo.sampling_demo import DEMO_PLAN_NAME
from supervision.registry.models import Institution, OperatingStatus
from supervision.sampling import engine
from supervision.sampling.models import SpotCheckPlan
from supervision.sampling.services import _candidates

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 20, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())


def test_every_demo_institution_has_a_grade_whose_explanation_adds_up_to_its_score(demo):
    standings = {s.institution_id: s for s in CreditStanding.objects.filter(code="default")}
    institutions = list(Institution.objects.all())
    assert len(standings) == len(institutions) >= 290
    for institution in institutions:
        standing = standings[institution.pk]
        rule_set, result = services.assess(institution.pk, on=standing.graded_on)
        assert rule_set == standing.rule_set
        assert result.total() == result.score == standing.score
        assert result.grade == standing.grade == institution.credit_class
        if institution.operating_status == OperatingStatus.OPERATING:
            assert standing.grade in "ABCD", institution
    grades = {s.grade for s in standings.values()}
    assert {"A", "B", "C", "D", "unrated"} <= grades


def test_the_demo_grades_come_from_events_and_a_second_seed_adds_none(demo, settings):
    count = CreditEvent.objects.count()
    assert count > 300
    call_command("seed_demo", stdout=io.StringIO())
    assert CreditEvent.objects.count() == count


def test_the_demo_plan_would_draw_on_the_grades_with_their_date(demo):
    """The demo's joint plan waits for approval: the inputs its draw would freeze carry the grades."""
    candidates = engine.candidates_json(_candidates(SpotCheckPlan.objects.get(name=DEMO_PLAN_NAME)))
    grades = dict(CreditStanding.objects.filter(code="default").values_list("institution_id", "grade"))
    assert candidates
    for row in candidates:
        assert row["credit_class"] == grades[row["id"]]
        assert row["credit_graded_on"] == "2026-11-20"
