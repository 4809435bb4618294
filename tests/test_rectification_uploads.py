"""Evidence is checked by content, not by name; a rejected file loses nothing else of the report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from supervision.rectification.models import EvidenceFile
from supervision.rectification.uploads import check_evidence
from tests.url_rules_rectification import JPEG, PDF, PNG, finding, inspection, issue, open_task

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("content,expected", [(JPEG, "image/jpeg"), (PNG, "image/png"), (PDF, "application/pdf")])
def test_photos_and_pdfs_are_recognised_by_their_bytes(content, expected):
    checked = check_evidence(SimpleUploadedFile("whatever.bin", content))
    assert checked.ok and checked.content_type == expected


def test_a_text_file_named_like_a_photo_is_refused_with_its_name(settings):
    settings.LANGUAGE_CODE = "en"
    checked = check_evidence(SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 definitely not a photo"))
    assert not checked.ok
    assert "photo.jpg" in checked.message


def test_a_file_over_the_limit_is_refused(settings):
    settings.RECTIFICATION_EVIDENCE_MAX_BYTES = 100
    checked = check_evidence(SimpleUploadedFile("big.png", PNG + b"\x00" * 200))
    assert not checked.ok and "big.png" in checked.message


def test_a_rejected_file_keeps_the_answers_and_the_files_already_accepted(client, world):
    notice = issue(world, [finding(inspection(world), "G")])
    item = notice.items.get()
    task = open_task(notice, "submit_report")
    base = f"/rectification/{task.process_id}/submit_report/{task.pk}/"
    client.force_login(world.operator_p)
    client.post(base + "assign/")
    today = timezone.localdate().isoformat()
    response = client.post(base + "execute/", {
        "action": "submit", "plan-correction_for_affected": "已为受影响老人更换床垫",
        "plan-others_at_risk": "逐一排查", "plan-systemic_changes": "制度", "plan-monitoring": "周检",
        "plan-completion_date": today,
        f"item-{item.pk}-measures_taken": "更换灭火器二十具", f"item-{item.pk}-responsible_person": "赵主任",
        f"item-{item.pk}-completed_on": today,
        f"item-{item.pk}-evidence": [SimpleUploadedFile("good.png", PNG), SimpleUploadedFile("fake.jpg", b"hello")],
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "fake.jpg" in page  # the message names the refused file
    assert "更换灭火器二十具" in page and "已为受影响老人更换床垫" in page  # nothing typed is lost
    assert list(EvidenceFile.objects.values_list("original_name", flat=True)) == ["good.png"]
    notice.refresh_from_db()
    assert notice.status == "issued"

    # Submitting again without a new file works: the accepted photo was kept with the draft.
    response = client.post(base + "execute/", {
        "action": "submit", "plan-correction_for_affected": "已为受影响老人更换床垫",
        "plan-others_at_risk": "逐一排查", "plan-systemic_changes": "制度", "plan-monitoring": "周检",
        "plan-completion_date": today,
        f"item-{item.pk}-measures_taken": "更换灭火器二十具", f"item-{item.pk}-responsible_person": "赵主任",
        f"item-{item.pk}-completed_on": today,
    })
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "report_submitted"


def test_a_report_without_evidence_is_not_submitted(client, world):
    notice = issue(world, [finding(inspection(world), "G")])
    item = notice.items.get()
    task = open_task(notice, "submit_report")
    base = f"/rectification/{task.process_id}/submit_report/{task.pk}/"
    client.force_login(world.operator_p)
    client.post(base + "assign/")
    today = timezone.localdate().isoformat()
    response = client.post(base + "execute/", {
        "action": "submit", "plan-correction_for_affected": "a", "plan-others_at_risk": "b",
        "plan-systemic_changes": "c", "plan-monitoring": "d", "plan-completion_date": today,
        f"item-{item.pk}-measures_taken": "x", f"item-{item.pk}-responsible_person": "y",
        f"item-{item.pk}-completed_on": today,
    })
    assert response.status_code == 200
    assert response.context["problems"]


def _draft_item(world):
    from supervision.rectification import services

    notice = issue(world, [finding(inspection(world), "G")])
    return services.draft_report(world.operator_p, notice).items.get()


def test_the_stored_file_takes_its_extension_from_the_content_not_the_name(world):
    from supervision.rectification import services

    evidence, _message = services.attach_evidence(world.operator_p, _draft_item(world), SimpleUploadedFile(
        "x.html", PNG, content_type="text/html"))
    assert evidence.file.name.endswith(".png")
    assert evidence.original_name == "x.html"


@pytest.mark.parametrize("name,content", [
    ("a.jpg", b"\xff\xd8\xff" + b"MZ this is an exe"),
    ("a.png", PNG[:20] + b"<script>alert(1)</script>"),
    ("a.pdf", b"%PDF-1.4\n<html>not a pdf after all</html>"),
])
def test_a_file_with_the_right_first_bytes_but_no_real_content_is_refused(name, content):
    assert not check_evidence(SimpleUploadedFile(name, content)).ok


def test_the_operator_removes_a_file_from_the_draft_but_not_from_a_submitted_report(client, world):
    from supervision.rectification import services

    item = _draft_item(world)
    evidence, _message = services.attach_evidence(world.operator_p, item, SimpleUploadedFile("错的.png", PNG))
    url = f"/rectification/notices/{item.report.notice_id}/evidence/{evidence.pk}/remove/"
    client.force_login(world.operator_q)
    assert client.post(url).status_code == 404
    client.force_login(world.operator_p)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not EvidenceFile.objects.exists()


def test_nobody_removes_a_file_of_a_submitted_report(client, world):
    from tests.url_rules_rectification import submit_via_task

    notice = issue(world, [finding(inspection(world), "G")])
    submit_via_task(world, notice)
    evidence = EvidenceFile.objects.get()
    client.force_login(world.operator_p)
    assert client.post(f"/rectification/notices/{notice.pk}/evidence/{evidence.pk}/remove/").status_code == 404
    assert EvidenceFile.objects.exists()
