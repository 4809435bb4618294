"""The bureau's filing lists: scoped to jurisdiction and level; verifications with their due dates; reminders."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import formats, translation

from tests.builders.filings import TODAY, accepted, complete_draft, submitted


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def _rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_verification_appears_for_the_inspectors_with_its_due_date(world, client):
    accepted(world)
    client.force_login(world.inspector_x)
    html = _rows(client, "/filings/verifications/")
    with translation.override("zh-hans"):  # the desk is Chinese first
        due = formats.date_format(dt.date(2026, 12, 8))
    assert "东湖颐养院" in html and due in html
    client.force_login(world.inspector_y)
    assert "东湖颐养院" not in _rows(client, "/filings/verifications/")


def test_officials_see_only_filings_of_their_line_and_level_and_operators_only_their_own(world, client):
    from supervision.filings import services
    from tests.factories import official

    submitted(world)  # P, with 东湖区民政局
    # Q files as a non-profit registered at the city: the city office checks it, not 西山区.
    q_filing = complete_draft(world, operator=world.operator_q, institution=world.inst_q,
                              registration_level="city")
    services.save_draft(world.operator_q, q_filing, {"office": world.civil_city})
    services.submit_filing(world.operator_q, q_filing)
    city_planner = official("planner_city", world.civil_city, "planner").user
    inspector_y_city = world.inspector_y

    client.force_login(world.planner_x)
    html = _rows(client, "/filings/filings/")
    assert "东湖颐养院" in html and "西山福寿院" not in html
    client.force_login(inspector_y_city)
    assert "西山福寿院" not in _rows(client, "/filings/filings/")  # lodged a level up
    client.force_login(city_planner)
    html = _rows(client, "/filings/filings/")
    assert "东湖颐养院" in html and "西山福寿院" in html
    client.force_login(world.operator_q)
    html = _rows(client, "/filings/filings/")
    assert "西山福寿院" in html and "东湖颐养院" not in html


def test_a_draft_is_not_shown_to_officials(world, client):
    complete_draft(world)
    client.force_login(world.planner_x)
    assert "东湖颐养院" not in _rows(client, "/filings/filings/")


def test_institutions_operating_without_a_filing_are_listed_with_how_long(world, client):
    from tests.factories import institution

    institution(world.street_x2, name="柳岸未备案养老院")
    institution(world.street_x2, name="柳岸老备案养老院", filing_status="filed")  # filed before the system
    accepted(world)
    client.force_login(world.head_x)
    html = _rows(client, "/filings/unfiled/")
    assert "柳岸未备案养老院" in html
    assert "柳岸老备案养老院" not in html and "东湖颐养院" not in html


def test_the_filed_lists_export_to_xlsx(world, client):
    accepted(world)
    client.force_login(world.planner_x)
    for url in ("/filings/filings/export/?format=xlsx", "/filings/verifications/export/?format=xlsx",
                "/filings/unfiled/export/?format=xlsx", "/filings/breaches/export/?format=xlsx"):
        response = client.get(url)
        assert response.status_code == 200 and response.content[:2] == b"PK", url


def test_an_unfiled_institution_found_housing_residents_gets_a_verification_and_a_notice(world, client):
    from supervision.filings.models import FilingVerification
    from supervision.notifications.models import Notification

    client.force_login(world.planner_x)
    response = client.post(f"/filings/unfiled/{world.inst_p.pk}/report/", {"found_on": "2026-11-09"})
    assert response.status_code == 302
    verification = FilingVerification.objects.get(institution=world.inst_p)
    assert (verification.reason, verification.counted_from, verification.due_on) == (
        "unfiled", dt.date(2026, 11, 9), dt.date(2026, 12, 7))
    assert Notification.objects.filter(recipient=world.operator_p, kind="filing_urged").exists()


def test_reminders_go_out_once_before_each_deadline(world, django_capture_on_commit_callbacks):
    from supervision.filings.reminders import send_deadline_reminders
    from supervision.notifications.models import Notification

    world.operator_p.email = "p@example.org"
    world.operator_p.save()
    complete_draft(world)  # due 2026-11-16, four working days after Tuesday 2026-11-10
    assert send_deadline_reminders(dt.date(2026, 11, 5)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert send_deadline_reminders(dt.date(2026, 11, 11)) == 1
    assert send_deadline_reminders(dt.date(2026, 11, 12)) == 0
    assert Notification.objects.filter(recipient=world.operator_p, kind="filing_deadline").count() == 1
    assert [m.to for m in mail.outbox] == [["p@example.org"]]
