"""The whole loop through the real task pages: notice → report → failed re-check → report →
passed re-check → the head closes it; the public page follows every step."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supervision.notifications.models import Notification
from supervision.rectification.models import EventKind
from tests.url_rules_rectification import PDF, PNG, finding, inspection, issue, open_task

pytestmark = pytest.mark.django_db


def _task_url(task, action):
    return f"/rectification/{task.process_id}/{task.flow_task.name}/{task.pk}/{action}/"


def _take_and_open(client, user, notice, node):
    client.force_login(user)
    task = open_task(notice, node)
    assert client.post(_task_url(task, "assign")).status_code == 302
    response = client.get(_task_url(task, "execute"))
    assert response.status_code == 200
    return task


def _report_post(notice, files):
    today = timezone.localdate().isoformat()
    data = {
        "action": "submit",
        "plan-correction_for_affected": "通道已清空", "plan-others_at_risk": "排查全部楼层",
        "plan-systemic_changes": "每班巡查", "plan-monitoring": "院长每周抽查", "plan-completion_date": today,
    }
    for item in notice.items.all():
        prefix = f"item-{item.pk}"
        data.update({f"{prefix}-measures_taken": "清理杂物并设置标识", f"{prefix}-responsible_person": "王主任",
                     f"{prefix}-completed_on": today, f"{prefix}-evidence": files()})
    return data


def test_an_inspector_issues_the_institution_answers_a_failed_recheck_loops_and_the_head_closes(client, world):
    insp = inspection(world)
    notice = issue(world, [finding(insp, "G"), finding(insp, "D", title="灭火器过期")])
    assert notice.number.startswith("东民整改〔")
    assert notice.status == "issued"
    assert Notification.objects.filter(recipient=world.operator_p, kind="notice_issued").exists()

    # The operator answers with evidence, through the task page.
    task = _take_and_open(client, world.operator_p, notice, "submit_report")
    response = client.post(_task_url(task, "execute"), _report_post(notice, lambda: [
        SimpleUploadedFile("照片.png", PNG, content_type="image/png")]))
    assert response.status_code == 302, response.context["problems"] if response.context else ""
    notice.refresh_from_db()
    assert notice.status == "report_submitted"
    assert Notification.objects.filter(recipient=world.inspector_x, kind="recheck_due").exists()

    # The re-check fails: back to the institution with a new deadline.
    task = _take_and_open(client, world.inspector_x, notice, "recheck")
    response = client.post(_task_url(task, "execute"), {
        "outcome": "failed", "method": "documents", "reasons": "照片不能证明通道畅通。", "working_days": "10"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "recheck_failed"
    assert notice.deadline > timezone.localdate()

    # The institution answers again (a PDF this time), the re-check passes.
    task = _take_and_open(client, world.operator_p, notice, "submit_report")
    assert "照片不能证明通道畅通" in client.get(_task_url(task, "execute")).content.decode()
    response = client.post(_task_url(task, "execute"), _report_post(notice, lambda: [
        SimpleUploadedFile("整改报告.pdf", PDF, content_type="application/pdf")]))
    assert response.status_code == 302
    task = _take_and_open(client, world.fire_inspector_x, notice, "recheck")
    assert client.post(_task_url(task, "execute"), {
        "outcome": "passed", "method": "on_site", "reasons": ""}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == "recheck_passed"

    # The head approves the closure.
    task = _take_and_open(client, world.head_x, notice, "approve_closure")
    assert client.post(_task_url(task, "execute")).status_code == 302
    notice.refresh_from_db()
    assert notice.status == "closed"
    assert notice.process.status == "DONE"
    assert list(notice.events.values_list("kind", flat=True)) == [
        # Opening the notice in the institution's account is its delivery (电子送达).
        EventKind.ISSUED, EventKind.READ, EventKind.DELIVERED, EventKind.REPORT_SUBMITTED, EventKind.RECHECK_FAILED,
        EventKind.REPORT_SUBMITTED, EventKind.RECHECK_PASSED, EventKind.CLOSED,
    ]
    assert Notification.objects.filter(recipient=world.operator_p, kind="closed").exists()
    assert mail.outbox == []  # the demo personas have no e-mail addresses; see test_notifications_mail


def test_the_public_page_shows_the_status_at_each_step(client, world):
    from tests.url_rules_rectification import close_via_task, recheck_via_task, submit_via_task

    insp = inspection(world)
    notice = issue(world, [finding(insp, "G")])
    client.cookies["django_language"] = "en"
    seen = []

    def public_status():
        client.logout()
        page = client.get(f"/public/notices/{notice.public_token}/", HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        notice.refresh_from_db()
        seen.append(notice.status)
        return page.content.decode()

    public_status()
    submit_via_task(world, notice)
    public_status()
    recheck_via_task(world, notice, "failed", reasons="未整改到位")
    public_status()
    submit_via_task(world, notice)
    recheck_via_task(world, notice, "passed")
    public_status()
    close_via_task(world, notice)
    page = public_status()
    assert seen == ["issued", "report_submitted", "recheck_failed", "recheck_passed", "closed"]
    assert notice.number in page
    assert notice.institution.name in page
