"""The credit desk: penalty records with their credit events, the institution's credit page with
its explanation and links, scoped grade lists and exports, and who may POST what."""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from supervision.credit import penalties, services
from supervision.credit.models import CreditEvent, CreditEventKind, CreditStanding, PenaltyRecord
from tests.personas import PERSONAS
from tests.url_rules_credit import POST_RULES, extend_world

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def on_day(time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 2, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)


def _penalty(world, **changes):
    values = dict(decision_number="东民罚〔2026〕9号", violation_type="拒不整改", facts="逾期未整改",
                  legal_basis="《养老机构管理办法》第四十六条", category="fine", content="警告并处罚款",
                  fine=Decimal("2"), decision_date=DAY)
    values.update(changes)
    return penalties.record_penalty(world.head_x, world.inst_p, **values)


def _standing(world):
    return CreditStanding.objects.get(institution=world.inst_p, code="default")


def test_a_penalty_moves_the_score_by_the_rule_sets_points_visibly_with_a_link(world, client):
    record = _penalty(world)
    assert record.publication_ends == dt.date(2027, 11, 2)  # general: 12 months from the decision
    assert (record.party_name, record.party_credit_code) == (world.inst_p.name, world.inst_p.credit_code)
    event = CreditEvent.objects.get(kind=CreditEventKind.PENALTY)
    rule_set, result = services.assess(world.inst_p.pk, on=DAY)
    line = next(line for line in result.lines if line.event_id == event.pk)
    assert line.points == rule_set.as_rules().points_for("penalty", "") == -10
    assert _standing(world).score == 70
    client.force_login(world.head_x)
    page = client.get(f"/credit/institutions/{world.inst_p.pk}/").content.decode()
    assert f'href="/credit/penalties/{record.pk}/"' in page and "-10" in page and "70.00" in page


def test_a_broken_commitment_moves_the_score_with_a_link_to_its_source(world, client):
    services.register_source_link("registry.institution", "libraries:institutions:detail")
    event = services.record_event(world.inspector_x, institution=world.inst_p, kind=CreditEventKind.COMMITMENT_BROKEN,
                                  decided_on=DAY, source=world.inst_p)
    _rules, result = services.assess(world.inst_p.pk, on=DAY)
    assert [line.points for line in result.moved_by] == [-5] and result.moved_by[0].event_id == event.pk
    client.force_login(world.inspector_x)
    page = client.get(f"/credit/institutions/{world.inst_p.pk}/").content.decode()
    assert f'href="/libraries/institutions/{world.inst_p.pk}/detail/"' in page and "75.00" in page


def test_a_penalty_without_a_decision_number_is_refused_next_to_the_field(world):
    with pytest.raises(ValidationError) as refused:
        _penalty(world, decision_number="  ")
    assert list(refused.value.message_dict) == ["decision_number"]
    assert not PenaltyRecord.objects.exists() and not CreditEvent.objects.exists()


def test_a_fine_above_the_legal_maximum_is_refused_and_the_maximum_is_a_setting(world, settings):
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        _penalty(world, fine=Decimal("3.0001"))
    assert refused.value.message_dict["fine"] == [
        "The fine of 3.0001 (10,000 yuan) is above the legal maximum of 30000 yuan (养老机构管理办法 Art. 46)."]
    assert _penalty(world, fine=Decimal("3")).fine == Decimal("3")
    settings.CREDIT_PENALTY_MAX_FINE_YUAN = 10000
    with pytest.raises(ValidationError):
        _penalty(world, decision_number="东民罚〔2026〕10号", fine=Decimal("2"))


def test_the_desk_form_refuses_a_missing_number_and_too_high_a_fine_and_keeps_the_input(world, client):
    client.force_login(world.head_x)
    data = {"institution": world.inst_p.pk, "decision_number": "", "violation_type": "拒不整改", "facts": "逾期未整改",
            "legal_basis": "第四十六条", "category": "fine", "content": "罚款", "fine": "5", "confiscation": "0",
            "decision_date": "2026-11-01", "breach_class": "general"}
    response = client.post("/credit/penalties/new/", data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"decision_number", "fine"}
    assert "拒不整改" in response.content.decode()
    assert not PenaltyRecord.objects.exists()


def test_a_withdrawn_penalty_reverses_its_event_with_the_reason(world, client):
    record = _penalty(world)
    client.force_login(world.head_x)
    response = client.post(f"/credit/penalties/{record.pk}/withdraw/", {"reason": "复议撤销"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.withdrawn_on, record.withdrawal_reason, record.is_published) == (DAY, "复议撤销", False)
    reversal = CreditEvent.objects.get(reverses__isnull=False)
    assert reversal.reverses.source == record and reversal.note == "复议撤销"
    assert _standing(world).score == 80


def test_an_escalated_rectification_offers_to_record_a_penalty(world, client):
    from supervision.rectification import services as rectification
    from tests.url_rules_rectification import answer_and_submit, finding, inspection, issue

    notice = issue(world, [finding(inspection(world), "G")], today=DAY, start=False)
    answer_and_submit(world, notice)
    rectification.record_recheck(world.inspector_x, notice, outcome="escalated", reasons="拒不整改")
    client.force_login(world.head_x)
    page = client.get(f"/rectification/notices/{notice.pk}/detail/").content.decode()
    assert f"/credit/penalties/new/?notice={notice.pk}" in page
    form = client.get(f"/credit/penalties/new/?notice={notice.pk}").context["form"]
    assert form.initial["institution"] == world.inst_p.pk


def test_the_grade_lists_are_scoped_to_the_jurisdiction_and_exported(world, client):
    services.record_event(world.inspector_x, institution=world.inst_p, kind=CreditEventKind.PENALTY, decided_on=DAY)
    services.record_event(world.inspector_y, institution=world.inst_q, kind=CreditEventKind.COMMENDATION,
                          decided_on=DAY)
    client.force_login(world.inspector_y)
    rows = client.get("/credit/grades/").context["rows"]
    assert [(r["district"], r["total"]) for r in rows] == [(world.district_y.name, 1)]
    export = client.get("/credit/grades/?format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(world.head_x)
    for _n in range(2):  # 70 C, 60 C, 50 D
        services.record_event(world.inspector_x, institution=world.inst_p, kind=CreditEventKind.PENALTY, decided_on=DAY)
    changes = list(client.get("/credit/grades/changes/").context["changes"])
    assert [(c.institution, c.previous_grade, c.grade) for c in changes] == [(world.inst_p, "C", "D")]
    assert client.get("/credit/grades/changes/?format=xlsx").status_code == 200


def test_the_credit_page_shows_the_institution_under_both_schemes(world, client):
    _penalty(world)
    client.force_login(world.operator_p)
    page = client.get(f"/credit/institutions/{world.inst_p.pk}/")
    assert [s["code"] for s in page.context["schemes"]] == ["default", "cms"]
    for scheme in page.context["schemes"]:
        assert sum(line["points"] for line in scheme["lines"]) == scheme["result"].score


def _post(world, name):
    return {
        "credit:record_event": (f"/credit/institutions/{world.inst_p.pk}/events/new/",
                                {"kind": "commendation", "decided_on": "2026-11-01", "note": "表彰"}),
        "credit:penalty_new": ("/credit/penalties/new/", {"decision_number": ""}),
        "credit:penalty_withdraw": (f"/credit/penalties/{world.penalty_p.pk}/withdraw/", {"reason": ""}),
        "credit:rule_set_new": ("/credit/rule-sets/new/", {"code": "default"}),
    }[name]


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_status_on_every_credit_post(client, world, persona):
    extend_world(world)
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    events = CreditEvent.objects.count()
    wrong = []
    for name, expected in POST_RULES.items():
        url, data = _post(world, name)
        status = client.post(url, data).status_code
        expect = 302 if persona == "anonymous" else expected[persona]
        # A refused or invalid form re-renders (200); a valid event or a withdrawal redirects (302).
        if expect == 200 and name in ("credit:record_event", "credit:penalty_withdraw"):
            expect = 302
        if status != expect:
            wrong.append(f"{name}: got {status}, expected {expect}")
    assert wrong == []
    allowed = POST_RULES["credit:record_event"][persona] == 200 if persona != "anonymous" else False
    assert CreditEvent.objects.count() == events + (1 if allowed else 0)
