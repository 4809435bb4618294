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
