"""Who reaches what on the lists, for every persona: GET rows in url_rules_listings (run by
test_permissions_every_url), its POST_RULES here, and what each persona may see."""

import pytest

from tests.personas import PERSONAS
from tests.url_rules_listings import POST_RULES, PROCESS_STEP_ROWS, PROPOSED_ROWS, extend_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing_world(world):
    extend_world(world)
    return world


def _login(client, world, persona):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_the_expected_status_on_every_post(client, listing_world, persona):
    _login(client, listing_world, persona)
    wrong = []
    for name, (build, expected) in POST_RULES.items():
        url = build(listing_world)
        status = client.post(url, {}).status_code
        if status != expected[persona]:
            wrong.append(f"POST {name} {url}: got {status}, expected {expected[persona]}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_desk_steps_of_a_case_with_a_process_send_the_doers_to_its_task_page(client, listing_world, persona):
    _login(client, listing_world, persona)
    wrong = []
    for name, (build, expected) in PROCESS_STEP_ROWS.items():
        url = build(listing_world)
        for method in ("get", "post"):
            if name.startswith("listings:partner_notice") and method == "get":
                continue  # the notice itself is shown; only acknowledging moved to the task
            status = getattr(client, method)(url, {}).status_code
            if status != expected[persona]:
                wrong.append(f"{method.upper()} {name} {url}: got {status}, expected {expected[persona]}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_proposal_is_internal_until_the_prior_notice(client, listing_world, persona):
    _login(client, listing_world, persona)
    for name, (build, expected) in PROPOSED_ROWS.items():
        assert client.get(build(listing_world)).status_code == expected[persona], name


def test_the_institution_lists_only_its_own_notified_cases(client, listing_world):
    w = listing_world
    client.force_login(w.operator_p)
    page = client.get("/listings/cases/").content.decode()
    assert f"/listings/cases/{w.listing_listed.pk}/detail/" in page
    assert f"/listings/cases/{w.listing_proposed.pk}/detail/" not in page
    client.force_login(w.operator_q)
    assert f"/listings/cases/{w.listing_listed.pk}/detail/" not in client.get("/listings/cases/").content.decode()


def test_a_partner_department_sees_only_the_notices_addressed_to_it(client, listing_world):
    w = listing_world
    market_notice = w.listing_listed.partner_notices.get(department=w.market_x)
    client.force_login(w.fire_inspector_x)
    page = client.get("/listings/partner-notices/").content.decode()
    assert f"/listings/partner-notices/{w.listing_partner_notice.pk}/" in page
    assert f"/listings/partner-notices/{market_notice.pk}/" not in page
    assert client.get(f"/listings/partner-notices/{market_notice.pk}/").status_code == 404


def test_the_public_sees_published_entries_only(client, listing_world):
    w = listing_world
    page = client.get("/public/listings/").content.decode()
    assert w.listing_listed.decision_number in page
    assert w.inst_p.name in page
    assert "未按规定报送年度工作报告" not in page  # facts of a mere proposal never leave the desk
    assert w.listing_listed.prior_notice_number not in page


def test_officials_see_the_flags_where_a_listed_person_is_legal_representative(client, listing_world, time_machine):
    from tests.builders.listings import listed, propose
    from tests.clocks import local
    from tests.factories import institution

    w = listing_world
    person = propose(w, ground="2", subject_kind="person", person_name="钱七", person_role="care_worker")
    person = listed(w, person)
    time_machine.move_to(local(person.listed_on), tick=False)
    elsewhere = institution(w.street_x2, legal_representative="钱七")
    client.force_login(w.head_x)
    page = client.get(f"/listings/institutions/{elsewhere.pk}/").content.decode()
    assert "钱七" in page and w.inst_p.name in page
    listed_page = client.get(f"/listings/institutions/{w.inst_p.pk}/").content.decode()
    assert "等级评定" in listed_page  # not eligible for grading or subsidies
