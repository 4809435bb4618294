"""Until the field UI lands, a team member records findings at the desk and issues a notice from them."""

import pytest

from supervision.rectification.models import RectificationNotice
from tests.url_rules_rectification import inspection

pytestmark = pytest.mark.django_db


def test_a_team_member_records_findings_and_issues_a_notice(client, world):
    insp = inspection(world)
    client.force_login(world.inspector_x)
    base = f"/rectification/inspections/{insp.pk}/"
    response = client.post(base + "findings/", {
        "item_title": "厨房无食品经营许可证", "description": "自设食堂未取得许可", "severity": "K",
        "major_hazard": "on", "fire_hazard": "", "legal_basis": "养老机构重大事故隐患判定标准第五条",
        "needs_rectification": "on",
    })
    assert response.status_code == 302
    finding = insp.findings.get()
    assert finding.major_hazard

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
    insp = inspection(world)
    client.force_login(world.inspector_x)
    client.post(f"/rectification/inspections/{insp.pk}/findings/", {
        "item_title": "台账不全", "description": "缺少交接班记录", "severity": "A", "needs_rectification": "on"})
    finding = insp.findings.get()
    response = client.post(f"/rectification/inspections/{insp.pk}/notice/", {
        "issue": "1", "findings": [finding.pk], "facts": "x", f"measures_{finding.pk}": "补齐",
        "working_days": "90", "recheck_method": "documents",
    })
    assert response.status_code == 200
    assert not RectificationNotice.objects.exists()


def test_a_major_hazard_must_be_immediate_jeopardy(client, world):
    insp = inspection(world)
    client.force_login(world.inspector_x)
    response = client.post(f"/rectification/inspections/{insp.pk}/findings/", {
        "item_title": "彩钢板", "description": "易燃夹芯", "severity": "D", "major_hazard": "on",
        "needs_rectification": "on"})
    assert response.status_code == 200
    assert not insp.findings.exists()
