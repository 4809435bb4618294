"""The head reviews a submitted record at the desk: approves it, or returns it with remarks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.inspections import services
from supervision.inspections.models import Inspection, ReviewOutcome
from tests.url_rules_inspections import desk_task, submitted_inspection


def _take_review(client, world, inspection):
    task = desk_task(inspection, "review", status="NEW")
    client.force_login(world.head_x)
    assert client.post(f"/inspection/{task.process_id}/review/{task.pk}/assign/").status_code == 302
    return f"/inspection/{task.process_id}/review/{task.pk}/execute/"


def test_the_head_approves_the_record_and_the_process_ends(world, client):
    inspection = submitted_inspection(world, head_review=True)
    url = _take_review(client, world, inspection)
    assert client.get(url).status_code == 200
    assert client.post(url, {"outcome": "approved", "comment": ""}).status_code == 302
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.review_outcome == ReviewOutcome.APPROVED and inspection.reviewed_by == world.head_x
    assert inspection.process.status == "DONE"


def test_remarks_need_a_comment_and_are_kept_with_the_record(world, client):
    inspection = submitted_inspection(world, head_review=True)
    url = _take_review(client, world, inspection)
    assert client.post(url, {"outcome": "remarks", "comment": ""}).status_code == 200
    assert Inspection.objects.get(pk=inspection.pk).reviewed_at is None
    client.post(url, {"outcome": "remarks", "comment": "第3项描述不清，请补充照片。"})
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.review_outcome == ReviewOutcome.REMARKS and "补充照片" in inspection.review_comment
    assert inspection.status == "submitted"  # the signed record is not re-opened
    page = client.get(f"/inspection/{inspection.process.pk}/").content.decode()
    assert "补充照片" in page


def test_only_the_lead_departments_head_may_review(world):
    inspection = submitted_inspection(world, head_review=True)
    with pytest.raises(PermissionDenied):
        services.review(world.planner_x, inspection)
    with pytest.raises(ValidationError):
        services.review(world.head_x, inspection, outcome="whatever")


def test_the_review_waits_in_the_heads_queue_only(world, client):
    inspection = submitted_inspection(world, head_review=True)
    task = desk_task(inspection, "review", status="NEW")
    client.force_login(world.head_x)
    assert task in client.get("/inspection/queue/").context["object_list"]
    client.force_login(world.planner_x)
    assert task not in client.get("/inspection/queue/").context["object_list"]
