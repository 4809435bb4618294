"""The inspection's rules as plain functions: signatures, refusal, publicity deadline, versions."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from supervision.inspections import checklists, services
from supervision.inspections.models import ChecklistTemplate, Finding, InspectionStatus, Signature
from tests.url_rules_inspections import scheduled_inspection

PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def answer_all(user, inspection, non_compliant=()):
    answers = []
    for _section, item in inspection.checklist.items():
        if item["answer"] == "compliance":
            bad = item["code"] in non_compliant
            answers.append({"item": item["code"], "value": "non_compliant" if bad else "compliant",
                            "note": "未见记录" if bad else ""})
        elif item["answer"] == "number":
            answers.append({"item": item["code"], "value": "12"})
    services.record_answers(user, inspection, answers)


def sign_inspectors(world, inspection):
    for user in (world.inspector_x, world.fire_inspector_x):  # the teammate confirms with their own password
        services.sign(world.inspector_x, inspection, role="inspector", name="", method="confirmed",
                      official=user.official, credential="pw-" + user.username)


def test_the_record_needs_both_inspectors_and_the_representative(world):
    inspection = scheduled_inspection(world)
    answer_all(world.inspector_x, inspection)
    services.sign(world.inspector_x, inspection, role="inspector", name="", method="confirmed",
                  official=world.inspector_x.official)
    with pytest.raises(ValidationError) as e:
        services.submit_record(world.inspector_x, inspection)
    assert len(e.value.messages) == 2
    services.sign(world.inspector_x, inspection, role="inspector", name="", method="drawn",
                  image=services.decode_png(PNG), official=world.fire_inspector_x.official)
    with pytest.raises(ValidationError):
        services.submit_record(world.inspector_x, inspection)
    services.sign(world.inspector_x, inspection, role="representative", name="王院长", method="confirmed")
    services.submit_record(world.inspector_x, inspection)
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED


def test_a_refusing_representative_is_recorded_and_the_record_goes_in(world):
    inspection = scheduled_inspection(world)
    answer_all(world.inspector_x, inspection)
    sign_inspectors(world, inspection)
    services.sign(world.inspector_x, inspection, role="representative", name="", method="refused")
    services.submit_record(world.inspector_x, inspection)
    inspection.refresh_from_db()
    assert inspection.representative_refused
    assert inspection.signatures.get(role=Signature.Role.REPRESENTATIVE).method == "refused"


def test_an_inspector_outside_the_team_cannot_sign_or_submit(world):
    inspection = scheduled_inspection(world)
    with pytest.raises(PermissionDenied):
        services.submit_record(world.inspector_y, inspection)
    with pytest.raises(ValidationError):
        services.sign(world.inspector_x, inspection, role="inspector", name="", method="confirmed",
                      official=world.inspector_y.official)


def test_non_compliant_answers_become_findings_and_the_publicity_deadline_is_set(world):
    inspection = scheduled_inspection(world)
    answer_all(world.inspector_x, inspection, non_compliant={"gb-4.4"})
    sign_inspectors(world, inspection)
    services.sign(world.inspector_x, inspection, role="representative", name="王院长", method="confirmed")
    services.submit_record(world.inspector_x, inspection)
    finding = Finding.objects.get(inspection=inspection)
    assert (finding.item_code, finding.severity, finding.needs_rectification) == ("gb-4.4", "E", True)
    inspection.refresh_from_db()
    assert inspection.publicity_deadline == services.publicity_deadline(timezone.localtime(inspection.submitted_at).date()).date
    assert list(services.findings_needing_rectification(inspection)) == [finding]


def test_the_publicity_deadline_counts_twenty_working_days(db):
    # 2026-09-25 (Fri) + 20 working days across the National Day week.
    result = services.publicity_deadline(dt.date(2026, 9, 25))
    assert result.date > dt.date(2026, 10, 23)


def test_a_major_hazard_finding_is_at_least_immediate_jeopardy(world):
    inspection = scheduled_inspection(world)
    inspection.checklist = checklists.latest("major-hazards")
    inspection.save()
    with pytest.raises(ValidationError):
        services.record_answers(world.inspector_x, inspection,
                                [{"item": "mh-4.1", "value": "non_compliant", "note": "危房", "severity": "D"}])


def test_an_inspection_keeps_the_checklist_version_it_started_with(world):
    inspection = scheduled_inspection(world)
    first = inspection.checklist
    doc = {"code": first.code, "title": first.title, "sections": first.content["sections"][:1]}
    newer, created = checklists.publish(ChecklistTemplate, doc, world.admin)
    assert created and newer.version == first.version + 1
    services.start(world.inspector_x, inspection)
    inspection.refresh_from_db()
    assert inspection.checklist == first
    assert scheduled_inspection(world).checklist == newer


def test_publishing_an_unchanged_checklist_makes_no_new_version(db):
    for path in checklists.fixture_files():
        _template, created = checklists.publish(ChecklistTemplate, checklists.load_file(path))
        assert not created
    assert ChecklistTemplate.objects.count() == len(checklists.fixture_files()) >= 5


def test_the_notice_is_three_working_days_ahead(world):
    inspection = scheduled_inspection(world, scheduled_for=None)
    with pytest.raises(ValidationError):
        services.issue_inspection_notice(world.inspector_x, inspection, scheduled_for=dt.date(2026, 12, 2),
                                         today=dt.date(2026, 12, 1))
    inspection = services.issue_inspection_notice(world.inspector_x, inspection, scheduled_for=dt.date(2026, 12, 4),
                                     today=dt.date(2026, 12, 1))
    assert inspection.notice_number


def test_an_unannounced_check_has_no_notice(world):
    inspection = scheduled_inspection(world, announced=False)
    with pytest.raises(ValidationError):
        services.issue_inspection_notice(world.inspector_x, inspection, scheduled_for=dt.date(2026, 12, 31),
                                         today=dt.date(2026, 12, 1))
