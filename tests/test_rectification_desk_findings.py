"""A team member records findings at the desk while the record is open, and issues a notice once
it is submitted (the field flow records its own findings; a submitted record is not added to)."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from supervision.rectification import services
from supervision.rectification.models import RectificationNotice
from tests.url_rules_rectification import finding, inspection, issue


def _open_inspection(world):
    insp = inspection(world)
    insp.status = "in_progress"
    insp.save(update_fields=["status"])
    return insp


def _submit(insp):
    insp.status = "submitted"
    insp.save(update_fields=["status"])

pytestmark = pytest.mark.django_db


def test_a_team_member_records_findings_and_issues_a_notice(client, world):
    insp = _open_inspection(world)
    client.force_login(world.inspector_x)
    base = f"/rectification/inspections/{insp.pk}/"
    response = client.post(base + "findings/", {
        "item_title": "厨房无食品经营许可证", "description": "自设食堂未取得许可", "severity": "K",
        "major_hazard": "on", "fire_hazard": "", "legal_basis": "养老机构重大事故隐患判定标准第五条",
        "needs_rectification": "on", "once": str(uuid.uuid4()),
    })
    assert response.status_code == 302
    finding = insp.findings.get()
    assert finding.major_hazard
    _submit(insp)

    page = client.get(base + f"notice/?findings={finding.pk}").content.decode()
    assert "厨房无食品经营许可证" in page
    response = client.post(base + "notice/", {
        "issue": "1", "findings": [finding.pk], "facts": "检查发现自设食堂未取得许可。",
        f"measures_{finding.pk}": "立即停止食堂经营并办理许可", "working_days": "3", "recheck_method": "on_site",
    })
    notice = RectificationNotice.objects.get()
    assert response["Location"] == f"/rectification/notices/{notice.pk}/detail/"
    assert notice.process.status == "NEW"
    assert notice.working_days == 3


def test_the_inspector_may_adjust_the_deadline_only_within_the_rule(client, world):
    insp = _open_inspection(world)
    client.force_login(world.inspector_x)
    client.post(f"/rectification/inspections/{insp.pk}/findings/", {
        "item_title": "台账不全", "description": "缺少交接班记录", "severity": "A", "needs_rectification": "on", "once": str(uuid.uuid4())})
    finding = insp.findings.get()
    _submit(insp)
    response = client.post(f"/rectification/inspections/{insp.pk}/notice/", {
        "issue": "1", "findings": [finding.pk], "facts": "x", f"measures_{finding.pk}": "补齐",
        "working_days": "90", "recheck_method": "documents",
    })
    assert response.status_code == 200
    assert not RectificationNotice.objects.exists()


def test_a_major_hazard_must_be_immediate_jeopardy(client, world):
    insp = _open_inspection(world)
    client.force_login(world.inspector_x)
    response = client.post(f"/rectification/inspections/{insp.pk}/findings/", {
        "item_title": "彩钢板", "description": "易燃夹芯", "severity": "D", "major_hazard": "on",
        "needs_rectification": "on", "once": str(uuid.uuid4())})
    assert response.status_code == 200
    assert not insp.findings.exists()


@pytest.mark.parametrize("status", ["submitted", "cancelled"])
def test_no_finding_is_added_at_the_desk_to_a_submitted_or_cancelled_inspection(client, world, status):
    insp = inspection(world)
    insp.status = status
    insp.save(update_fields=["status"])
    client.force_login(world.inspector_x)
    response = client.post(f"/rectification/inspections/{insp.pk}/findings/", {
        "item_title": "x", "description": "y", "severity": "G", "needs_rectification": "on", "once": str(uuid.uuid4())})
    assert response.status_code == 403
    assert not insp.findings.exists()


@pytest.mark.parametrize("status", ["scheduled", "in_progress", "cancelled"])
def test_a_notice_is_issued_only_on_a_submitted_inspection_record(client, world, status):
    insp = inspection(world)
    found = finding(insp, "G")
    insp.status = status
    insp.save(update_fields=["status"])
    with pytest.raises(ValidationError):
        issue(world, [found])
    client.force_login(world.inspector_x)
    response = client.post(f"/rectification/inspections/{insp.pk}/notice/", {
        "issue": "1", "findings": [found.pk], "facts": "x", f"measures_{found.pk}": "m",
        "working_days": "10", "recheck_method": "documents"})
    assert response.status_code == 302
    assert not RectificationNotice.objects.exists()


def test_issuing_the_same_findings_twice_at_once_says_so_instead_of_failing(world, monkeypatch):
    insp = inspection(world)
    found = finding(insp, "G")
    issue(world, [found])
    # The second inspector read the findings before the first notice was committed.
    monkeypatch.setattr(services, "_in_a_notice", lambda findings: False)
    with pytest.raises(ValidationError, match="already in a notice|已"):
        services.issue_notice(world.inspector_x, insp, [found], facts="x", measures={found.pk: "m"})
    assert RectificationNotice.objects.count() == 1
