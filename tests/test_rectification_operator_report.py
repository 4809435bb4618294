"""The operator reports from the notice page (no detour through the queue), and after a failed
re-check the new report starts from the one submitted: text and evidence kept, not retyped."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from supervision.rectification import services
from supervision.rectification.models import EvidenceFile, RectificationReport
from tests.test_rectification_happy_path import _report_post, _take_and_open, _task_url
from tests.url_rules_rectification import PNG, finding, inspection, issue, open_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo():
    return [SimpleUploadedFile("照片.png", PNG, content_type="image/png")]


def test_the_operator_takes_the_report_task_from_the_notice_page(client, world):
    notice = issue(world, [finding(inspection(world), "G")])
    task = open_task(notice, "submit_report")
    client.force_login(world.operator_p)
    page = client.get(reverse("rectification:notices:detail", args=[notice.pk])).content.decode()
    assign = _task_url(task, "assign")
    assert f'action="{assign}"' in page and "提交整改报告" in page

    response = client.post(assign, {"_continue": "1"}, follow=True)
    task.refresh_from_db()
    assert task.owner == world.operator_p
    assert response.status_code == 200 and "plan-correction_for_affected" in response.content.decode()
    # Held now: the notice page links straight to the form.
    page = client.get(reverse("rectification:notices:detail", args=[notice.pk])).content.decode()
    assert f'href="{_task_url(task, "execute")}"' in page


def test_other_people_see_no_report_action(client, world):
    notice = issue(world, [finding(inspection(world), "G")])
    task = open_task(notice, "submit_report")
    for user in (world.operator_q, world.head_x):
        client.force_login(user)
        response = client.get(reverse("rectification:notices:detail", args=[notice.pk]))
        assert _task_url(task, "assign") not in response.content.decode()


def test_after_a_failed_recheck_the_new_report_starts_from_the_submitted_one(
        client, world, django_capture_on_commit_callbacks):
    notice = issue(world, [finding(inspection(world), "G")])
    task = _take_and_open(client, world.operator_p, notice, "submit_report")
    assert client.post(_task_url(task, "execute"), _report_post(notice, _photo)).status_code == 302
    task = _take_and_open(client, world.inspector_x, notice, "recheck")
    assert client.post(_task_url(task, "execute"), {
        "outcome": "failed", "method": "documents", "reasons": "照片不清。", "working_days": "10"}).status_code == 302

    task = _take_and_open(client, world.operator_p, notice, "submit_report")
    page = client.get(_task_url(task, "execute")).content.decode()
    assert "通道已清空" in page and "清理杂物并设置标识" in page and "照片.png" in page
    draft = RectificationReport.objects.get(notice=notice, submitted_at__isnull=True)
    submitted = RectificationReport.objects.get(notice=notice, submitted_at__isnull=False)
    carried = EvidenceFile.objects.get(item__report=draft)
    kept = EvidenceFile.objects.get(item__report=submitted)
    assert carried.file.name == kept.file.name

    # Taking the carried photo out of the draft leaves the submitted report's file in place.
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(world.operator_p, carried)
    assert not EvidenceFile.objects.filter(pk=carried.pk).exists()
    assert kept.file.storage.exists(kept.file.name)
    # A file no other row keeps is deleted with its row.
    fresh = services.attach_evidence(world.operator_p, draft.items.get(), _photo()[0])[0]
    name, storage = fresh.file.name, fresh.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(world.operator_p, fresh)
    assert not storage.exists(name)
