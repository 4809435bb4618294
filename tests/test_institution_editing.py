"""Editing the target library at the desk: scoped choices, clear messages, nothing lost."""

from supervision.registry.models import Institution
from tests.factories import credit_code


def form_data(world, **overrides):
    data = {
        "credit_code": credit_code(serial=777), "name": "新建颐养院", "kind": "residential",
        "ownership": "public_private", "for_profit": "", "beds": "40", "address": "湖滨街道新路1号",
        "region": world.street_x1.pk, "legal_representative": "王五", "filing_status": "not_filed",
        "operating_status": "preparing",
    }
    data.update(overrides)
    return data


def test_a_planner_adds_an_institution_in_their_district(client, world):
    client.force_login(world.planner_x)
    response = client.post("/libraries/institutions/add/", form_data(world))
    assert response.status_code == 302
    assert Institution.objects.get(name="新建颐养院").region == world.street_x1


def test_a_planner_cannot_place_an_institution_in_another_district(client, world):
    client.force_login(world.planner_x)
    response = client.post("/libraries/institutions/add/", form_data(world, region=world.street_y1.pk))
    assert response.status_code in (200, 422)
    assert "inside your jurisdiction" in response.content.decode() or "辖区" in response.content.decode()
    assert not Institution.objects.filter(name="新建颐养院").exists()


def test_a_mistyped_credit_code_is_explained_and_the_rest_of_the_form_is_kept(client, world):
    client.force_login(world.planner_x)
    good = credit_code(serial=778)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post("/libraries/institutions/add/", form_data(world, credit_code=bad))
    page = response.content.decode()
    assert good[-1] in page  # the message names the expected check character
    assert "湖滨街道新路1号" in page  # what was typed is still there
    assert not Institution.objects.filter(name="新建颐养院").exists()


def test_lower_case_and_spaces_in_a_credit_code_are_tidied(client, world):
    client.force_login(world.planner_x)
    code = credit_code(serial=779)
    spaced = " ".join([code[:6], code[6:12], code[12:]]).lower()
    response = client.post("/libraries/institutions/add/", form_data(world, credit_code=spaced))
    assert response.status_code == 302
    assert Institution.objects.filter(credit_code=code).exists()


def test_an_inspector_cannot_edit_the_library(client, world):
    client.force_login(world.inspector_x)
    response = client.post(f"/libraries/institutions/{world.inst_p.pk}/change/", form_data(world))
    assert response.status_code == 403
    world.inst_p.refresh_from_db()
    assert world.inst_p.name == "东湖颐养院"


def test_fire_department_heads_do_not_keep_the_civil_affairs_library(client, world):
    from tests.factories import official

    fire_head = official("fire_head_x", world.fire_x, "head").user
    client.force_login(fire_head)
    assert client.get("/libraries/institutions/add/").status_code == 403
    assert client.get(f"/libraries/institutions/{world.inst_p.pk}/detail/").status_code == 200


def test_a_head_edits_an_inspectors_certificate_and_specialties(client, world):
    from supervision.staff.models import Specialty

    client.force_login(world.head_x)
    official = world.inspector_x.official
    fire = Specialty.objects.get(code="fire")
    response = client.post(
        f"/libraries/officials/{official.pk}/change/",
        {"name": official.name, "region": world.street_x1.pk, "certificate_number": "CERT-X-9",
         "specialties": [fire.pk], "active": "on"},
    )
    assert response.status_code == 302, response.content[:3000]
    official.refresh_from_db()
    assert official.certificate_number == "CERT-X-9" and list(official.specialties.all()) == [fire]


def test_an_inspector_declares_their_own_conflict(client, world):
    client.force_login(world.inspector_x)
    response = client.post(
        "/libraries/conflicts/add/",
        {"official": world.inspector_x.official.pk, "institution": world.inst_p.pk, "reason": "配偶在该院任职"},
    )
    assert response.status_code == 302
    assert world.inspector_x.official.conflicts.get().reason == "配偶在该院任职"


def test_an_inspector_cannot_declare_a_conflict_for_someone_else(client, world):
    client.force_login(world.inspector_x)
    response = client.post(
        "/libraries/conflicts/add/",
        {"official": world.head_x.official.pk, "institution": world.inst_p.pk, "reason": "x"},
    )
    assert response.status_code in (200, 422)
    assert not world.head_x.official.conflicts.exists()


def test_a_telephone_number_must_look_like_one(client, world):
    client.force_login(world.planner_x)
    response = client.post("/libraries/institutions/add/", form_data(world, contact_phone="abc"))
    assert response.status_code in (200, 422)
    assert not Institution.objects.filter(name="新建颐养院").exists()
    ok = client.post("/libraries/institutions/add/", form_data(world, contact_phone="+86 (0571) 8888-6666"))
    assert ok.status_code == 302
