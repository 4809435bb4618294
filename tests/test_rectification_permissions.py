"""An institution sees only its own notices; an inspector outside the team gets 404; services
refuse callers without the right, whatever the desk shows."""

import pytest
from django.core.exceptions import PermissionDenied

from supervision.rectification import access, services
from tests.factories import official
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_notices(world):
    p = issue(world, [finding(inspection(world), "G")])
    q_inspection = inspection(world, institution=world.inst_q, department=world.civil_y, team=("inspector_y",))
    q = issue(world, [finding(q_inspection, "G")], user=world.inspector_y)
    return p, q


def test_an_institution_lists_and_opens_only_its_own_notices(client, world, two_notices):
    p, q = two_notices
    client.force_login(world.operator_p)
    page = client.get("/rectification/notices/").content.decode()
    assert p.number in page and q.number not in page
    assert client.get(f"/rectification/notices/{q.pk}/detail/").status_code == 404
    assert client.get(f"/rectification/notices/{q.pk}/pdf/").status_code == 404
    assert client.get(f"/rectification/{q.process.pk}/").status_code == 404


def test_an_inspector_of_the_same_district_outside_the_team_gets_404(client, world, two_notices):
    p, _q = two_notices
    outsider = official("inspector_x2", world.civil_x, "inspector", certificate="CERT-X-2").user
    client.force_login(outsider)
    assert client.get(f"/rectification/notices/{p.pk}/detail/").status_code == 404
    assert client.get(f"/rectification/{p.process.pk}/").status_code == 404
    task = p.process.task_set.filter(flow_task_type="HUMAN").first()
    assert client.get(f"/rectification/{p.process.pk}/submit_report/{task.pk}/detail/").status_code == 404
    assert p.number not in client.get("/rectification/notices/").content.decode()
    assert not access.notices_for(outsider).exists()


def test_the_queue_holds_only_the_tasks_a_user_may_take(client, world, two_notices):
    p, q = two_notices
    client.force_login(world.operator_p)
    page = client.get("/rectification/queue/").content.decode()
    assert f"#{p.process.pk}/" in page and f"#{q.process.pk}/" not in page
    client.force_login(world.head_x)
    assert f"#{p.process.pk}/" not in client.get("/rectification/queue/").content.decode()


def test_services_refuse_callers_without_the_right(world, two_notices):
    p, _q = two_notices
    with pytest.raises(PermissionDenied):
        services.draft_report(world.operator_q, p)
    with pytest.raises(PermissionDenied):
        services.record_recheck(world.inspector_y, p, outcome="passed")
    with pytest.raises(PermissionDenied):
        services.close_rectification(world.inspector_x, p)
    with pytest.raises(PermissionDenied):
        issue(world, [finding(inspection(world), "A")], user=world.inspector_y)


def test_heads_see_notices_of_their_own_line_not_every_notice_in_their_area(client, world, two_notices):
    p, q = two_notices
    city_head = official("city_head", world.civil_city, "head").user
    fire_head = official("fire_head", world.fire_x, "head").user
    client.force_login(city_head)  # civil affairs of the city: the districts' civil-affairs notices
    assert client.get(f"/rectification/notices/{p.pk}/detail/").status_code == 200
    assert client.get(f"/rectification/notices/{q.pk}/detail/").status_code == 200
    client.force_login(fire_head)  # the fire brigade of district X: not a civil-affairs notice
    assert client.get(f"/rectification/notices/{p.pk}/detail/").status_code == 404
    assert client.get(f"/rectification/notices/{p.pk}/pdf/").status_code == 404
    assert not access.notices_for(fire_head).exists()
    client.force_login(world.fire_inspector_x)  # … unless on the inspection team
    assert client.get(f"/rectification/notices/{p.pk}/detail/").status_code == 200


def test_a_draft_evidence_file_is_for_the_institution_until_the_report_is_submitted(client, world, two_notices):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.url_rules_rectification import PNG

    p, _q = two_notices
    item = services.draft_report(world.operator_p, p).items.get()
    evidence, _message = services.attach_evidence(world.operator_p, item, SimpleUploadedFile("草稿.png", PNG))
    url = f"/rectification/notices/{p.pk}/evidence/{evidence.pk}/"
    for official_user in (world.head_x, world.inspector_x, world.admin):
        client.force_login(official_user)
        assert client.get(url).status_code == 404
    client.force_login(world.operator_p)
    assert client.get(url).status_code == 200


def test_the_institution_does_not_see_the_internal_blacklist_assessment(client, world):
    import datetime as dt

    from django.utils import timezone
    from viewflow.workflow.timers import fire_due_timers

    notice = issue(world, [finding(inspection(world), "J", major=True, fire=True)],
                   today=timezone.localdate() - dt.timedelta(days=60))
    fire_due_timers()
    url = f"/rectification/notices/{notice.pk}/detail/"
    client.cookies["django_language"] = "en"
    client.force_login(world.operator_p)
    page = client.get(url).content.decode()
    assert "Deadline passed without a report" in page
    assert "Blacklist ground 4" not in page
    client.force_login(world.head_x)
    assert "Blacklist ground 4" in client.get(url).content.decode()


def test_ids_beyond_any_database_id_are_404_or_ignored_not_500(client, world, two_notices):
    p, _q = two_notices
    huge = "9" * 25
    client.force_login(world.inspector_x)
    assert client.get(f"/rectification/{huge}/").status_code == 404
    assert client.get(f"/rectification/{p.process.pk}/submit_report/{huge}/detail/").status_code == 404
    assert client.get(f"/rectification/notices/{huge}/pdf/").status_code == 404
    assert client.get(f"/rectification/notices/{p.pk}/evidence/{huge}/").status_code == 404
    insp = inspection(world)
    finding(insp, "G")
    response = client.get(f"/rectification/inspections/{insp.pk}/notice/?findings={huge}")
    assert response.status_code == 302  # nothing chosen: back to the findings
