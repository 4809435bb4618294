"""Notifications are also mailed (console backend by default), after the work commits."""

import pytest
from django.core import mail

from supervision.notifications.services import notify
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db


def test_users_with_an_address_get_a_mail_after_commit(world, django_capture_on_commit_callbacks):
    world.operator_p.email = "p@example.org"
    world.operator_p.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.operator_p, world.operator_q], "overdue", "整改逾期", "/x/")
    assert [m.to for m in mail.outbox] == [["p@example.org"]]
    assert "整改逾期" in mail.outbox[0].body


def test_issuing_a_notice_mails_the_institution(world, django_capture_on_commit_callbacks):
    world.operator_p.email = "p@example.org"
    world.operator_p.save()
    with django_capture_on_commit_callbacks(execute=True):
        notice = issue(world, [finding(inspection(world), "G")])
    assert len(mail.outbox) == 1
    assert notice.number in mail.outbox[0].body


def test_no_mail_for_work_that_rolled_back(world, django_capture_on_commit_callbacks):
    world.operator_p.email = "p@example.org"
    world.operator_p.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([world.operator_p], "overdue", "x")
    assert mail.outbox == [] and len(callbacks) == 1


def test_a_multi_line_reason_still_sends_the_mail_with_a_one_line_subject(world, django_capture_on_commit_callbacks):
    from supervision.rectification import services
    from tests.url_rules_rectification import do_task, submit_via_task

    world.operator_p.email = "op@example.com"
    world.operator_p.save()
    notice = issue(world, [finding(inspection(world), "G")])
    submit_via_task(world, notice)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_task(notice, "recheck", world.inspector_x, lambda: services.record_recheck(
            world.inspector_x, notice, outcome="failed", reasons="第一行\n第二行"))
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject
    assert "第二行" in mail.outbox[0].body


def test_mail_links_use_the_site_address(world, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://jg.example.gov.cn"
    world.operator_p.email = "op@example.com"
    world.operator_p.save()
    with django_capture_on_commit_callbacks(execute=True):
        notice = issue(world, [finding(inspection(world), "G")])
    assert f"https://jg.example.gov.cn/rectification/notices/{notice.pk}/detail/" in mail.outbox[0].body
