"""The inspection process: started by a draw's publication and by a planner's case check; moved by the record."""

import uuid

import pytest
from viewflow.workflow.models import Task

from supervision.inspections import services
from supervision.inspections.models import Inspection
from tests.test_field_sync_api import full_record, send
from tests.url_rules_sampling import more_institutions, published_plan, third_inspector
from workflows.inspection.flows import InspectionFlow
from workflows.inspection.models import InspectionProcess


def test_publishing_a_draw_starts_one_process_per_inspection(world):
    more_institutions(world)
    third_inspector(world)
    plan = published_plan(world)
    inspections = Inspection.objects.filter(spot_check_target__draw__plan=plan)
    assert inspections.exists()
    assert InspectionProcess.objects.filter(inspection__in=inspections).count() == inspections.count()
    for inspection in inspections:
        assert Task.objects.filter(process=inspection.process, flow_task=InspectionFlow.fieldwork, status="NEW").exists()


def test_a_planner_creates_an_unannounced_case_check_from_the_desk(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.planner_x)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/field/case-checks/new/", {
            "institution": world.inst_p.pk, "team": [world.inspector_x.official.pk, world.head_x.official.pk],
            "reason": "投诉：夜间无人值班", "once": str(uuid.uuid4()),
        })
    assert response.status_code == 302
    inspection = Inspection.objects.get(kind="case")
    assert not inspection.announced and inspection.team.count() == 2
    assert InspectionProcess.objects.filter(inspection=inspection).exists()


def test_a_case_check_needs_two_inspectors(world, client):
    client.force_login(world.planner_x)
    response = client.post("/field/case-checks/new/", {
        "institution": world.inst_p.pk, "team": [world.inspector_x.official.pk], "reason": "投诉",
        "once": str(uuid.uuid4())})
    assert response.status_code == 200 and not Inspection.objects.exists()


@pytest.mark.parametrize("head_review", [False, True])
def test_the_submitted_record_ends_fieldwork(world, client, django_capture_on_commit_callbacks, head_review):
    client.force_login(world.planner_x)
    with django_capture_on_commit_callbacks(execute=True):
        inspection = services.schedule_inspection(
            world.planner_x, institution=world.inst_p, kind="daily",
            team=[world.inspector_x.official, world.fire_inspector_x.official])
    Inspection.objects.filter(pk=inspection.pk).update(head_review=head_review)
    inspection.refresh_from_db()
    client.force_login(world.inspector_x)
    with django_capture_on_commit_callbacks(execute=True):
        assert send(client, full_record(world, inspection)).json()["results"][0]["status"] == "stored"
    process = InspectionProcess.objects.get(inspection=inspection)
    review_open = Task.objects.filter(process=process, flow_task=InspectionFlow.review, status="NEW").exists()
    assert review_open == head_review
    assert (process.status == "DONE") == (not head_review)
