"""Who may draft, approve, run and confirm: checked in the services and on the task pages."""

import pytest
from django.core.exceptions import PermissionDenied

from supervision.sampling import services
from supervision.sampling.models import SpotCheckPlan
from tests.factories import official
from tests.url_rules_sampling import (
    approve,
    fire_head,
    items,
    more_institutions,
    open_task,
    plan_fields,
    run,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_planner_of_district_x_cannot_draft_for_district_y(world):
    with pytest.raises(PermissionDenied):
        services.submit_plan(world.planner_x, plan_fields(world, region=world.district_y), items(), [])
    with pytest.raises(PermissionDenied):  # nor for the whole city above their jurisdiction
        services.submit_plan(world.planner_x, plan_fields(world, region=world.city), items(), [])
    assert not SpotCheckPlan.objects.exists()
    plan = services.submit_plan(world.planner_x, plan_fields(world, region=world.street_x1), items(), [])
    assert plan.department == world.civil_x


def test_the_draft_form_offers_only_regions_of_the_planner_s_jurisdiction(client, world):
    client.force_login(world.planner_x)
    page = client.get("/spotcheck/start/").content.decode()
    assert world.district_x.name in page and world.district_y.name not in page
    response = client.post("/spotcheck/start/", {"name": "越权", "region": world.district_y.pk})
    assert response.status_code == 200 and not SpotCheckPlan.objects.exists()


def test_only_planners_draft(client, world):
    for user in (world.inspector_x, world.head_x, world.admin, world.operator_p):
        client.force_login(user)
        assert client.get("/spotcheck/start/").status_code == 403
        with pytest.raises(PermissionDenied):
            services.submit_plan(user, plan_fields(world), items(), [])


def test_a_head_approves_only_for_their_own_department(world):
    head_fire = fire_head(world)
    plan = start(world, participating=[world.fire_x])
    with pytest.raises(PermissionDenied):
        services.approve_plan(world.head_x, plan, world.fire_x)
    with pytest.raises(PermissionDenied):
        services.approve_plan(head_fire, plan, world.civil_x)
    with pytest.raises(PermissionDenied):  # a planner is not a head
        services.approve_plan(world.planner_x, plan, world.civil_x)
    head_y = official("head_y", world.civil_y, "head").user
    with pytest.raises(PermissionDenied):
        services.approve_plan(head_y, plan, world.civil_x)
    services.approve_plan(head_fire, plan, world.fire_x)


def test_a_head_of_another_district_gets_404_on_the_task_pages(client, world):
    plan = start(world)
    task = open_task(plan, "approve")
    head_y = official("head_y", world.civil_y, "head").user
    client.force_login(head_y)
    base = f"/spotcheck/{task.process_id}/approve/{task.pk}/"
    for url in (base, base + "detail/", base + "assign/", base + "execute/", f"/spotcheck/{task.process_id}/"):
        assert client.get(url).status_code == 404, url
    assert plan.name not in client.get("/spotcheck/flows/").content.decode()
    assert plan.name not in client.get("/spotcheck/queue/").content.decode()


def test_the_queue_offers_each_head_only_their_department_s_approval(client, world):
    head_fire = fire_head(world)
    start(world, participating=[world.fire_x])
    client.force_login(world.head_x)
    civil = client.get("/spotcheck/queue/").content.decode()
    client.force_login(head_fire)
    fire = client.get("/spotcheck/queue/").content.decode()
    civil_task = open_task(SpotCheckPlan.objects.get(), "approve", data__department=world.civil_x.pk)
    fire_task = open_task(SpotCheckPlan.objects.get(), "approve", data__department=world.fire_x.pk)
    assert f"/{civil_task.pk}/" in civil and f"/{fire_task.pk}/" not in civil
    assert f"/{fire_task.pk}/" in fire and f"/{civil_task.pk}/" not in fire


def test_only_the_lead_department_runs_and_confirms_the_draw(world):
    more_institutions(world)
    head_fire = fire_head(world)
    plan = start(world, participating=[world.fire_x])
    approve(world, plan, world.head_x, world.civil_x)
    approve(world, plan, head_fire, world.fire_x)
    draw = services.current_draw(plan)
    for outsider in (head_fire, world.inspector_x, world.fire_inspector_x):
        with pytest.raises(PermissionDenied):
            services.run_draw(outsider, draw)
    run(world, plan)
    for outsider in (head_fire, world.planner_x, world.inspector_x):
        with pytest.raises(PermissionDenied):
            services.confirm_draw(outsider, draw)
        with pytest.raises(PermissionDenied):
            services.request_redraw(outsider, draw, "staff_change", "理由")


def test_operators_see_nothing_of_the_spot_checks(client, world):
    plan = start(world)
    client.force_login(world.operator_p)
    for url in ("/spotcheck/", "/spotcheck/flows/", "/spotcheck/queue/", f"/spotcheck/{plan.process.pk}/"):
        assert client.get(url).status_code == 403, url


def test_the_public_pages_never_show_the_seed_before_publication(client, world):
    more_institutions(world)
    plan = start(world)
    assert client.get(f"/public/spot-checks/{plan.pk}/").status_code == 404  # not approved: not public
    approve(world, plan, world.head_x, world.civil_x)
    draw = services.current_draw(plan)
    run(world, plan)
    seed = bytes(draw.seed).hex()
    for url in ("/public/spot-checks/", f"/public/spot-checks/{plan.pk}/"):
        response = client.get(url)
        assert response.status_code == 200 and seed not in response.content.decode()
    for suffix in ("record.json", "inputs.json", "record.pdf", "verify/"):
        assert client.get(f"/public/spot-checks/draws/{draw.pk}/{suffix}").status_code == 404, suffix
