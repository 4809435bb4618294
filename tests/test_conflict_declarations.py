"""Conflicts of interest (回避): inspectors declare; only their head or an administrator ends one."""

import datetime

from supervision.staff.models import ConflictOfInterest


def conflict(world, institution=None):
    return ConflictOfInterest.objects.create(
        official=world.inspector_x.official, institution=institution or world.inst_p, reason="亲属任职"
    )


def test_an_inspector_cannot_end_their_own_declaration(client, world):
    declared = conflict(world)
    client.force_login(world.inspector_x)
    response = client.post(
        f"/libraries/conflicts/{declared.pk}/change/",
        {"official": world.inspector_x.official.pk, "institution": world.inst_p.pk, "reason": "x",
         "valid_until": "2000-01-01"},
    )
    assert response.status_code == 403
    declared.refresh_from_db()
    assert declared.valid_until is None


def test_the_head_of_the_department_can_end_it(client, world):
    declared = conflict(world)
    client.force_login(world.head_x)
    response = client.post(
        f"/libraries/conflicts/{declared.pk}/change/",
        {"official": world.inspector_x.official.pk, "institution": world.inst_p.pk, "reason": "亲属任职",
         "valid_until": "2027-01-01"},
    )
    assert response.status_code == 302
    declared.refresh_from_db()
    assert declared.valid_until == datetime.date(2027, 1, 1)


def test_a_conflict_with_a_foreign_institution_is_not_shown_to_the_district(client, world):
    foreign = conflict(world, institution=world.inst_q)
    client.force_login(world.planner_x)
    assert "西山福寿院" not in client.get("/libraries/conflicts/").content.decode()
    assert client.get(f"/libraries/conflicts/{foreign.pk}/detail/").status_code == 404


def test_a_declaration_is_seen_by_its_official_and_the_department_line_only(client, world):
    """A city health-commission inspector, a fire inspector of the district and another civil-affairs
    inspector do not read an inspector's declaration; the declarer, their head and planner do."""
    from supervision.core.models import Department, DepartmentKind
    from tests.factories import official

    declared = conflict(world)
    health = Department.objects.create(name="示范市卫生健康委员会", kind=DepartmentKind.HEALTH, region=world.city)
    health_inspector = official("health_city", health, "inspector", certificate="CERT-HC-1").user
    colleague = official("inspector_x2", world.civil_x, "inspector", certificate="CERT-X-2").user
    url = f"/libraries/conflicts/{declared.pk}/detail/"
    for user, seen in [(world.inspector_x, True), (world.head_x, True), (world.planner_x, True),
                       (health_inspector, False), (world.fire_inspector_x, False), (colleague, False),
                       (world.inspector_y, False)]:
        client.force_login(user)
        listed = "亲属任职" in client.get("/libraries/conflicts/").content.decode()
        assert listed == seen, user
        assert (client.get(url).status_code == 200) == seen, user
