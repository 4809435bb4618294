"""The listing procedure's rules, service by service: each refusal names the rule that applies."""

import datetime as dt

import pytest
from django.utils import translation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.listings import services
from supervision.listings.models import ListingCase, PartnerNotice, Stage
from tests.builders.listings import answered, listed, market_department, notified, photo, propose, reviewed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The messages are asserted in English (the msgids); the catalogue gives them in Chinese."""
    with translation.override("en"):
        yield


def _messages(error) -> str:
    return " ".join(error.value.messages)


def test_a_proposal_without_a_ground_is_refused_with_the_rule(world):
    with pytest.raises(ValidationError) as error:
        propose(world, ground="", list_kind="blacklist")
    assert "ground" in error.value.message_dict
    assert "103号" in _messages(error)
    assert not ListingCase.objects.exists()


def test_a_proposal_without_evidence_is_refused_with_the_rule(world):
    with pytest.raises(ValidationError) as error:
        propose(world, evidence=[])
    assert "evidence" in error.value.message_dict
    assert "49号" in _messages(error)


def test_evidence_is_checked_by_its_content_not_its_name(world):
    fake = SimpleUploadedFile("照片.png", b"<html>not a photo</html>", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        propose(world, evidence=[fake])
    assert "照片.png" in _messages(error)
    assert not ListingCase.objects.exists()


def test_a_ground_of_the_other_list_is_refused(world):
    with pytest.raises(ValidationError) as error:
        propose(world, ground="w_penalty", list_kind="blacklist")
    assert "ground" in error.value.message_dict


def test_a_second_open_case_on_the_same_ground_for_the_same_subject_is_refused(world):
    propose(world, ground="7")
    with pytest.raises(ValidationError) as error:
        propose(world, ground="7")
    assert "one case per subject and ground" in _messages(error)
    # Another ground, or a person working there, is another case.
    propose(world, ground="8")
    propose(world, ground="7", subject_kind="person", person_name="王五", person_role="manager")
    assert ListingCase.objects.count() == 3


def test_a_person_needs_a_name_and_a_role(world):
    with pytest.raises(ValidationError) as error:
        propose(world, subject_kind="person", person_name=" ", person_role="")
    assert set(error.value.message_dict) == {"person_name", "person_role"}


def test_only_civil_affairs_officials_of_the_jurisdiction_propose(world):
    with pytest.raises(PermissionDenied):
        propose(world, user=world.inspector_y)
    with pytest.raises(PermissionDenied):
        propose(world, user=world.fire_inspector_x)
    with pytest.raises(PermissionDenied):
        propose(world, user=world.operator_p)


def test_the_proposer_cannot_review_their_own_proposal(world):
    case = propose(world)
    with pytest.raises(ValidationError):
        services.review_proposal(world.inspector_x, case, agree=True)
    with pytest.raises(PermissionDenied):
        services.review_proposal(world.inspector_y, case, agree=True)
    reviewed(world, case)
    assert case.stage == Stage.TO_NOTIFY


def test_the_prior_notice_is_numbered_and_the_period_runs_from_its_delivery(world, settings):
    settings.LISTING_REPRESENTATION_WORKING_DAYS = 5
    case = propose(world)
    reviewed(world, case)
    services.issue_prior_notice(world.inspector_x, case)
    case.refresh_from_db()
    assert case.prior_notice_number.startswith("东民列名告〔")
    assert case.representation_deadline is None and case.stage == Stage.REPRESENTATION
    services.record_delivery(world.inspector_x, case, received_by_name="李院长")
    case.refresh_from_db()
    from supervision.core.calendar import add_working_days
    from django.utils import timezone

    assert case.representation_deadline == add_working_days(timezone.localtime(case.delivered_at).date(), 5).date


def test_a_decision_before_the_representation_period_ends_is_refused(world):
    case = propose(world)
    reviewed(world, case)
    notified(world, case)
    answered(world, case)
    with pytest.raises(ValidationError) as error:
        services.decide(world.head_x, case, decision="list", reasons="理由", today=case.representation_deadline)
    assert "waives it in writing" in _messages(error)
    case = listed(world, case)
    assert case.stage == Stage.LISTED


def test_a_written_waiver_allows_the_decision_at_once(world):
    case = propose(world)
    reviewed(world, case)
    notified(world, case)
    services.submit_representation(world.operator_p, case, statement="本院放弃陈述申辩权利。", waiver=True)
    services.decide(world.head_x, case, decision="list", reasons="依法列入", today=case.representation_deadline)
    case.refresh_from_db()
    assert case.stage == Stage.LISTED


def test_an_answer_after_the_period_is_refused(world):
    case = propose(world)
    reviewed(world, case)
    notified(world, case)
    with pytest.raises(ValidationError) as error:
        services.submit_representation(world.operator_p, case, statement="迟到的申辩",
                                       today=case.representation_deadline + dt.timedelta(days=1))
    assert "ended" in _messages(error)


def test_only_the_head_of_the_proposing_department_decides(world):
    case = propose(world)
    reviewed(world, case)
    notified(world, case)
    later = case.representation_deadline + dt.timedelta(days=1)
    for outsider in (world.inspector_x, world.planner_x, world.inspector_y, world.operator_p):
        with pytest.raises(PermissionDenied):
            services.decide(outsider, case, decision="list", reasons="x", today=later)


def test_dismissal_needs_reasons_and_closes_the_case(world):
    case = propose(world)
    reviewed(world, case)
    notified(world, case)
    later = case.representation_deadline + dt.timedelta(days=1)
    with pytest.raises(ValidationError):
        services.decide(world.head_x, case, decision="dismiss", reasons=" ", today=later)
    services.decide(world.head_x, case, decision="dismiss", reasons="证据不足", today=later)
    case.refresh_from_db()
    assert case.stage == Stage.DISMISSED and case.closed_at is not None
    propose(world)  # the same ground may be proposed again once the case is closed


def test_publication_notifies_each_partner_department_once(world):
    case = listed(world)
    departments = set(PartnerNotice.objects.filter(case=case).values_list("department__name", flat=True))
    assert departments == {"东湖区消防救援大队", "东湖区市场监督管理局"}
    assert services.notify_partners(case) == []  # a retry sends nothing twice
    assert PartnerNotice.objects.filter(case=case).count() == 2
    assert case.publication_ends_on == services.add_months(case.listed_on, 36)
    assert case.repair_possible_from == services.add_months(case.listed_on, 24)


def test_a_court_ruling_cannot_be_dismissed(world):
    case = propose(world, ground="court", court_ruling_number="(2026)示01执123号")
    reviewed(world, case)
    notified(world, case)
    with pytest.raises(ValidationError) as error:
        services.decide(world.head_x, case, decision="dismiss", reasons="x",
                        today=case.representation_deadline + dt.timedelta(days=1))
    assert "应当列入" in _messages(error)


def test_repair_before_the_minimum_period_is_refused(world):
    case = listed(world)
    with pytest.raises(ValidationError) as error:
        services.apply_for_repair(world.operator_p, case, rectification_done="已整改", commitment="承诺守法",
                                  today=case.repair_possible_from - dt.timedelta(days=1))
    assert "Art. 11" in _messages(error)


def test_repair_with_a_new_serious_breach_is_refused(world):
    case = listed(world)
    case.refresh_from_db()
    propose(world, ground="5", facts="发生安全事故负主要责任")
    with pytest.raises(ValidationError) as error:
        services.apply_for_repair(world.operator_p, case, rectification_done="已整改", commitment="承诺守法",
                                  today=case.repair_possible_from)
    assert "new serious breach" in _messages(error)


def test_repair_refused_gives_reasons_and_when_to_apply_again(world):
    case = listed(world)
    on = case.repair_possible_from
    application = services.apply_for_repair(world.operator_p, case, rectification_done="已整改",
                                            commitment="承诺守法", files=[photo()], today=on)
    services.review_repair(world.inspector_x, application, note="整改材料不完整")
    with pytest.raises(ValidationError):
        services.decide_repair(world.head_x, application, grant=False, reasons="材料不全", today=on)
    services.decide_repair(world.head_x, application, grant=False, reasons="材料不全",
                           reapply_from=on + dt.timedelta(days=90), today=on)
    with pytest.raises(ValidationError) as error:
        services.apply_for_repair(world.operator_p, case, rectification_done="再次", commitment="承诺",
                                  today=on + dt.timedelta(days=30))
    assert "may be made from" in _messages(error)


def test_the_listing_takes_effect_on_grade_draw_and_eligibility(world):
    case = listed(world)
    on = case.listed_on
    assert services.is_listed(world.inst_p, on=on)
    assert not services.is_listed(world.inst_p, on=on - dt.timedelta(days=1))
    assert not services.is_listed(world.inst_p, on=case.publication_ends_on)
    assert list(services.listed_institutions(on=on)) == [world.inst_p]
    assert services.listing_flags(world.inst_p, on)["not_eligible"]


def test_a_listed_person_is_flagged_where_they_are_legal_representative(world):
    from tests.factories import institution

    market_department(world)
    case = propose(world, subject_kind="person", person_name="赵六", person_role="principal")
    listed(world, case)
    case.refresh_from_db()
    elsewhere = institution(world.street_y1, legal_representative="赵六")
    unrelated = institution(world.street_y1, legal_representative="赵六六")
    assert [c.pk for c in services.listed_persons_matching(elsewhere, case.listed_on)] == [case.pk]
    assert not services.listed_persons_matching(unrelated, case.listed_on).exists()
    # A person's listing does not make the institution itself listed.
    assert not services.is_listed(world.inst_p, on=case.listed_on)
