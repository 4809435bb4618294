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
