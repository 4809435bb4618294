"""Credit code pending (待补充): registered without a code and a reason, listed as such, completed once."""

from types import SimpleNamespace

from supervision.core.models import AuditEntry
from supervision.registry.models import Institution
from supervision.sampling.services import candidate_institutions
from tests.factories import credit_code


def form_data(world, **overrides):
    data = {
        "credit_code": "", "credit_code_pending_reason": "名录未载明", "name": "待补码颐养院", "kind": "residential",
        "ownership": "private", "for_profit": "", "beds": "30", "address": "湖滨街道待补路1号",
        "region": world.street_x1.pk, "legal_representative": "王五", "filing_status": "not_filed",
        "operating_status": "operating",
    }
    data.update(overrides)
    return data


def test_an_institution_is_registered_without_a_code_when_a_reason_is_given(client, world):
    client.force_login(world.planner_x)
    response = client.post("/libraries/institutions/add/", form_data(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    institution = Institution.objects.get(name="待补码颐养院")
    assert institution.credit_code == "" and institution.credit_code_pending


def test_without_a_code_the_reason_is_required(client, world):
    client.force_login(world.planner_x)
    response = client.post("/libraries/institutions/add/", form_data(world, credit_code_pending_reason=""))
    assert response.status_code in (200, 422)
    assert "说明待补充的原因" in response.content.decode()
    assert not Institution.objects.filter(name="待补码颐养院").exists()


def test_pending_institutions_are_listed_and_exported_as_pending_and_may_be_drawn(client, world):
    client.force_login(world.planner_x)
    client.post("/libraries/institutions/add/", form_data(world))
    listing = client.get("/libraries/institutions/", {"_search": "待补码"}).content.decode()
    assert "待补码颐养院" in listing and "待补充" in listing
    response = client.get("/libraries/institutions/export/", {"format": "csv"})
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    line = next(text for text in export.splitlines() if "待补码颐养院" in text)
    assert line.startswith("待补充,待补码颐养院,") and line.endswith(",名录未载明")
    scope = SimpleNamespace(region=world.district_x, institution_kinds=["residential"])
    assert candidate_institutions(scope).filter(name="待补码颐养院").exists()


def test_the_code_is_added_once_and_the_addition_is_audited(client, world):
    client.force_login(world.planner_x)
    client.post("/libraries/institutions/add/", form_data(world))
    institution = Institution.objects.get(name="待补码颐养院")
    code = credit_code(serial=4242)
    response = client.post(f"/libraries/institutions/{institution.pk}/change/", form_data(world, credit_code=code))
    assert response.status_code == 302, response.content.decode()[:3000]
    institution.refresh_from_db()
    assert institution.credit_code == code and institution.credit_code_pending_reason == ""
    entry = AuditEntry.objects.filter(model="registry.Institution", object_pk=str(institution.pk)).last()
    assert "credit_code" in entry.changed_fields and entry.actor == world.planner_x
    # Once set, the desk cannot change it.
    client.post(f"/libraries/institutions/{institution.pk}/change/",
                form_data(world, credit_code=credit_code(serial=4243)))
    institution.refresh_from_db()
    assert institution.credit_code == code


def test_two_pending_institutions_do_not_collide_on_the_empty_code(world):
    for n in (1, 2):
        Institution.objects.create(
            credit_code="", credit_code_pending_reason="待补充", name=f"无码院{n}", kind="residential",
            ownership="private", address=f"某路{n}号", region=world.street_x1, legal_representative="甲",
        )
    assert Institution.objects.filter(credit_code="").count() == 2


def test_jurisdiction_follows_the_supervising_district_not_the_street(world):
    from supervision.registry.access import can_edit_institution, institutions_for

    home = Institution.objects.create(
        credit_code=credit_code(serial=4250), name="跨区颐养院", kind="residential", ownership="private",
        address="湖滨街道跨区路1号", region=world.street_x1, supervising_district=world.district_y,
        legal_representative="甲",
    )
    assert home in institutions_for(world.inspector_y) and not can_edit_institution(world.planner_x, home)
    assert home not in institutions_for(world.planner_x)
    scope = SimpleNamespace(region=world.district_y, institution_kinds=["residential"])
    assert candidate_institutions(scope).filter(pk=home.pk).exists()
