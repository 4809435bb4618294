"""Rule sets: a new version is checked and refused with the exact problem; once saved it re-grades
from its effective date on and not before, and the draw takes the new classes with their date."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import translation

from supervision.credit import services
from supervision.credit.forms import RuleSetForm
from supervision.credit.models import CreditEventKind, CreditGrade, CreditStanding, RuleSet

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)


@pytest.fixture
def on_day(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)
    return time_machine


def _data(**changes):
    data = RuleSetForm.initial_from(RuleSet.objects.get(code="default", version=1))
    data.update(name="Default, stricter B", effective_from=DAY + dt.timedelta(days=8), note="")
    data.update(changes)
    return {k: ("" if v is None else v) for k, v in data.items() if v is not False}


def _errors(**changes):
    form = RuleSetForm(_data(**changes))
    with translation.override("en"):
        assert not form.is_valid()
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}


def test_the_default_rule_set_copied_is_valid(world, on_day):
    assert RuleSetForm(_data()).is_valid()


def test_overlapping_bands_are_refused_with_the_grades_and_scores(world, on_day):
    errors = _errors(band_B_high="92")
    assert errors["__all__"] == ["Bands B and A overlap from 90 to 92."]


def test_a_negative_window_is_refused_next_to_its_field(world, on_day):
    assert _errors(window_general="-3")["window_general"] == ["The window of General events cannot be negative (-3 months)."]


def test_a_window_outside_the_22_limits_is_refused(world, on_day):
    assert _errors(window_serious="48")["window_serious"] == [
        "Serious events count 12 to 36 months under 国办发〔2025〕22号, not 48."]


def test_a_missing_severity_cell_is_refused_by_name(world, on_day):
    assert _errors(points_finding_H="")["points_finding_H"] == ["Points are missing for Inspection finding, cell H."]


def test_an_effective_date_that_would_rewrite_published_grades_is_refused(world, on_day):
    services.record_event(world.inspector_x, institution=world.inst_p, kind=CreditEventKind.COMMENDATION,
                          decided_on=DAY)  # grades are published for today
    assert _errors(effective_from=DAY.isoformat())["effective_from"] == [
        "Grades up to 2026-11-02 are already published under this scheme: an effective date of 2026-11-02 "
        "would rewrite them. Choose 2026-11-03 or later."]
    assert RuleSetForm(_data(effective_from="2026-11-03")).is_valid()


def test_only_an_administrator_saves_a_rule_set(world, on_day):
    form = RuleSetForm(_data())
    assert form.is_valid()
    with pytest.raises(services.PermissionDenied):
        services.save_rule_set(world.head_x, form.rules, code="default", name="x")
    saved = services.save_rule_set(world.admin, form.rules, code="default", name="x")
    assert (saved.version, saved.effective_from) == (2, DAY + dt.timedelta(days=8))


def test_new_bands_regrade_from_their_effective_date_not_before_and_the_draw_takes_them(world, on_day):
    from supervision.sampling import services as sampling

    services.record_event(world.inspector_x, institution=world.inst_p, kind=CreditEventKind.INSPECTION_REFUSED,
                          decided_on=DAY - dt.timedelta(days=30))  # 80 - 10 = 70: C
    services.record_event(world.inspector_x, institution=world.inst_p, kind=CreditEventKind.COMMENDATION,
                          decided_on=DAY)  # 75: B
    assert CreditStanding.objects.get(institution=world.inst_p, code="default").grade == "B"
    effective = DAY + dt.timedelta(days=8)
    form = RuleSetForm(_data(band_B_low="80", band_C_high="80", effective_from=effective.isoformat()))
    assert form.is_valid(), form.errors
    preview = services.grade_changes(form.rules, "default")
    assert preview["changed"] == 1 and preview["moves"] == [("B", "C", 1)]
    v2 = services.save_rule_set(world.admin, form.rules, code="default", name="B from 80")

    services.recompute_all(effective - dt.timedelta(days=1))
    standing = CreditStanding.objects.get(institution=world.inst_p, code="default")
    assert (standing.grade, standing.rule_set.version) == ("B", 1)

    on_day.move_to(dt.datetime(2026, 11, 10, 3, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)
    services.recompute_all()
    standing.refresh_from_db()
    assert (standing.grade, standing.rule_set, standing.grade_since) == ("C", v2, effective)
    history = list(CreditGrade.objects.filter(institution=world.inst_p, code="default").order_by("graded_on", "pk")
                   .values_list("grade", "rule_set__version"))
    assert history[-1] == ("C", 2) and ("B", 1) in history
    world.inst_p.refresh_from_db()
    assert world.inst_p.credit_class == "C"

    from supervision.sampling import engine
    from supervision.sampling.models import SpotCheckPlan

    plan = SpotCheckPlan(region=world.district_x, institution_kinds=["residential"])
    frozen = {c["id"]: c for c in engine.candidates_json(sampling._candidates(plan))}
    assert frozen[world.inst_p.pk]["credit_class"] == "C"
    assert frozen[world.inst_p.pk]["credit_graded_on"] == "2026-11-10"
