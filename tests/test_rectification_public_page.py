"""The public verification page: genuine or not, number, institution, department, dates, status;
no names of people and no phone numbers."""

import pytest

from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db


def test_the_page_confirms_a_genuine_notice_without_personal_data(client, world):
    world.inst_p.contact_person, world.inst_p.contact_phone = "钱经理", "13900001111"
    world.inst_p.save()
    notice = issue(world, [finding(inspection(world), "G")])
    page = client.get(f"/public/notices/{notice.public_token}/").content.decode()
    for shown in (notice.number, "东湖颐养院", "东湖区民政局", notice.deadline.isoformat()):
        assert shown in page
    for hidden in ("张三", "钱经理", "13900001111", "inspector_x", world.inspector_x.official.name, "消防通道堵塞"):
        assert hidden not in page


def test_an_unknown_code_says_the_notice_is_not_genuine(client, db):
    assert client.get("/public/notices/not-a-real-token/").status_code == 404


def test_the_token_is_long_and_random(world):
    insp = inspection(world)
    a = issue(world, [finding(insp, "G")])
    b = issue(world, [finding(insp, "A")])
    assert a.public_token != b.public_token and len(a.public_token) >= 32


def test_after_an_extension_the_page_shows_the_deadline_as_issued_and_the_new_one(client, world):
    from tests.url_rules_rectification import ask_extension, grant_extension

    notice = issue(world, [finding(inspection(world), "G")])
    issued_deadline = notice.deadline
    ask_extension(world, notice, days=5)
    grant_extension(world, notice)
    notice.refresh_from_db()
    page = client.get(f"/public/notices/{notice.public_token}/").content.decode()
    assert issued_deadline.isoformat() in page  # what the paper in the visitor's hand says
    assert notice.deadline.isoformat() in page


def test_the_public_page_shows_no_internal_assessment(client, world):
    import datetime as dt

    from django.utils import timezone
    from viewflow.workflow.timers import fire_due_timers

    notice = issue(world, [finding(inspection(world), "J", major=True, fire=True)],
                   today=timezone.localdate() - dt.timedelta(days=60))
    fire_due_timers()
    client.cookies["django_language"] = "en"
    page = client.get(f"/public/notices/{notice.public_token}/").content.decode()
    assert "Blacklist" not in page and "失信" not in page
