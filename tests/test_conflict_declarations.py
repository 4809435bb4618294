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
