"""The spot-check plan process end to end, through the real task URLs with the test client."""

import datetime as dt
import hashlib

import pytest
from viewflow.workflow.models import Task

from supervision.core import clock
from supervision.inspections.models import Inspection
from supervision.sampling.models import DrawRecord, PlanApproval, SpotCheckPlan
from tests.url_rules_sampling import fire_head, more_institutions, open_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def plan_form(world, **overrides):
    from supervision.sampling.models import CheckItem

    data = {
        "name": "2026年东湖区双随机抽查", "period_start": clock.today().isoformat(),
        "period_end": (clock.today() + dt.timedelta(days=30)).isoformat(),
        "check_kind": "daily", "region": world.district_x.pk, "institution_kinds": ["residential"],
        "items": [CheckItem.objects.get(code="service-safety").pk], "participating_departments": [],
        "mode": "random", "ratio_a": "5", "ratio_b": "15", "ratio_c": "30", "ratio_d": "50", "unrated_as": "B",
        "team_size": "2", "max_targets_per_inspector": "10",
    }
    data.update(overrides)
    return data


def task_url(task, action=""):
    return f"/spotcheck/{task.process_id}/{task.flow_task.name}/{task.pk}/{action + '/' if action else ''}"


def take_and_post(client, user, task, data):
    client.force_login(user)
    assert client.post(task_url(task, "assign")).status_code == 302
    response = client.post(task_url(task, "execute"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def draft(client, world, **overrides):
    client.force_login(world.planner_x)
    page = client.get("/spotcheck/start/")
    assert page.status_code == 200
    assert 'value="15' in page.content.decode()  # the default ratio for class B is filled in
    response = client.post("/spotcheck/start/", plan_form(world, **overrides))
    assert response.status_code == 302, response.content.decode()[:3000]
    return SpotCheckPlan.objects.latest("pk")


def test_a_plan_goes_from_draft_to_published_inspections(client, world):
    more_institutions(world)
    plan = draft(client, world)
    assert plan.department == world.civil_x and plan.round == 1

    take_and_post(client, world.head_x, open_task(plan, "approve"), {"action": "approve", "comments": "同意"})
    draw = DrawRecord.objects.get(plan=plan)
    assert len(draw.commitment) == 64 and draw.published_at is None

    # Between the commitment and the draw the public page shows the commitment, not the seed.
    public = client.get(f"/public/spot-checks/{plan.pk}/").content.decode()
    assert draw.commitment in public and bytes(draw.seed).hex() not in public

    take_and_post(client, world.planner_x, open_task(plan, "run_draw"), {})
    draw.refresh_from_db()
    assert draw.feasible and draw.targets.exists() and draw.published_at is None

    take_and_post(client, world.head_x, open_task(plan, "confirm"), {"action": "confirm"})
    draw.refresh_from_db()
    assert draw.published_at is not None
    assert hashlib.sha256(bytes(draw.seed)).hexdigest() == draw.commitment
    assert plan.process.finished is not None or plan.process.status == "DONE"
    targets = list(draw.targets.select_related("inspection"))
    assert targets and all(t.inspection is not None for t in targets)
    for t in targets:
        assert t.inspection.department == world.civil_x and t.inspection.kind == "daily"
        assert sorted(t.inspection.team.values_list("pk", flat=True)) == sorted(t.team_order)
    assert Inspection.objects.count() == len(targets)

    detail = client.get(f"/spotcheck/{plan.process.pk}/").content.decode()
    assert targets[0].institution.name in detail


def test_a_returned_plan_goes_back_to_the_planner_and_every_head_is_asked_again(client, world):
    more_institutions(world)
    plan = draft(client, world)
    take_and_post(client, world.head_x, open_task(plan, "approve"),
                  {"action": "return", "comments": "D类比例应为100%"})
    assert not DrawRecord.objects.filter(plan=plan).exists()
    assert open_task(plan, "approve") is None

    revise = open_task(plan, "revise")
    client.force_login(world.planner_x)
    client.post(task_url(revise, "assign"))
    page = client.get(task_url(revise, "execute")).content.decode()
    assert "D类比例应为100%" in page  # the head's comments are shown to the planner
    response = client.post(task_url(revise, "execute"), {**plan_form(world, ratio_d="100"), "action": "resubmit"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.round == 2 and plan.ratio_d == 100

    take_and_post(client, world.head_x, open_task(plan, "approve"), {"action": "approve"})
    assert DrawRecord.objects.filter(plan=plan).count() == 1
    assert list(PlanApproval.objects.filter(plan=plan).values_list("round", "decision")) == [
        (1, "returned"), (2, "approved")]


def test_a_return_needs_comments(client, world):
    plan = draft(client, world)
    client.force_login(world.head_x)
    task = open_task(plan, "approve")
    client.post(task_url(task, "assign"))
    response = client.post(task_url(task, "execute"), {"action": "return", "comments": ""})
    assert response.status_code == 200
    assert not PlanApproval.objects.filter(plan=plan).exists()


def test_a_joint_plan_needs_the_approval_of_both_departments(client, world):
    more_institutions(world)
    head_fire = fire_head(world)
    plan = draft(client, world, participating_departments=[world.fire_x.pk])
    tasks = Task.objects.filter(process__spotcheckprocess__plan=plan, flow_task_type="HUMAN", status="NEW")
    assert sorted(t.data["department"] for t in tasks) == sorted([world.civil_x.pk, world.fire_x.pk])

    take_and_post(client, world.head_x, open_task(plan, "approve", data__department=world.civil_x.pk),
                  {"action": "approve"})
    assert not DrawRecord.objects.filter(plan=plan).exists()  # one approval is not enough

    # The civil-affairs head cannot take the fire brigade's approval.
    fire_task = open_task(plan, "approve", data__department=world.fire_x.pk)
    client.force_login(world.head_x)
    assert client.post(task_url(fire_task, "assign")).status_code == 403

    take_and_post(client, head_fire, fire_task, {"action": "approve"})
    draw = DrawRecord.objects.get(plan=plan)
    take_and_post(client, world.planner_x, open_task(plan, "run_draw"), {})
    take_and_post(client, world.head_x, open_task(plan, "confirm"), {"action": "confirm"})
    draw.refresh_from_db()
    assert draw.published_at is not None
    fire = world.fire_inspector_x.official
    for target in draw.targets.all():
        team = target.ordered_team()
        assert team[0].department == world.civil_x  # the lead department's member first
        assert fire in team  # a joint team has a member of each department


def test_one_return_in_a_joint_plan_ends_the_round(client, world):
    head_fire = fire_head(world)
    plan = draft(client, world, participating_departments=[world.fire_x.pk])
    take_and_post(client, head_fire, open_task(plan, "approve", data__department=world.fire_x.pk),
                  {"action": "return", "comments": "补充消防检查事项"})
    # The other head's task is cancelled and the plan is with the planner.
    assert open_task(plan, "approve") is None
    assert open_task(plan, "revise") is not None
