"""The desk pages of the spot-check process render for the people who use them."""

import pytest

from supervision.sampling import services
from tests.url_rules_sampling import approve, more_institutions, open_task, run, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def execute_page(client, user, plan, node):
    task = open_task(plan, node)
    client.force_login(user)
    base = f"/spotcheck/{task.process_id}/{node}/{task.pk}/"
    assert client.post(base + "assign/").status_code == 302
    response = client.get(base + "execute/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_task_page_shows_what_its_doer_decides_on(client, world):
    more_institutions(world)
    plan = start(world)
    page = execute_page(client, world.head_x, plan, "approve")
    assert plan.name in page and "服务安全检查" in page
    approve(world, plan, world.head_x, world.civil_x)
    draw = services.current_draw(plan)
    page = execute_page(client, world.planner_x, plan, "run_draw")
    assert draw.commitment in page and draw.inputs_sha256 in page
    assert bytes(draw.seed).hex() not in page  # the seed is secret in the desk too
    run(world, plan)
    page = execute_page(client, world.head_x, plan, "confirm")
    target = draw.targets.first()
    assert target.institution.name in page and bytes(draw.seed).hex() not in page


def test_a_planner_finds_the_draft_button_on_the_list(client, world):
    client.force_login(world.planner_x)
    assert "/spotcheck/start/" in client.get("/spotcheck/flows/").content.decode()
    client.force_login(world.head_x)
    assert "/spotcheck/start/" not in client.get("/spotcheck/flows/").content.decode()


def test_the_lists_show_the_plan_to_its_people(client, world):
    plan = start(world)
    for user in (world.planner_x, world.head_x, world.inspector_x, world.admin):
        client.force_login(user)
        assert plan.name in client.get("/spotcheck/flows/").content.decode()
    client.force_login(world.head_x)
    assert client.get("/spotcheck/queue/").status_code == 200
    assert plan.name in client.get(f"/spotcheck/{plan.process.pk}/").content.decode()
    client.force_login(world.inspector_y)
    assert plan.name not in client.get("/spotcheck/flows/").content.decode()
    assert plan.name not in client.get("/spotcheck/tasks/").content.decode()


def test_an_unpublished_result_is_shown_only_to_the_lead_departments_planners_and_heads(client, world):
    from tests.url_rules_sampling import fire_head

    more_institutions(world)
    plan = start(world, participating=[world.fire_x])
    approve(world, plan, world.head_x, world.civil_x)
    approve(world, plan, fire_head(world), world.fire_x)
    run(world, plan)
    target = services.current_draw(plan).targets.select_related("institution").first()
    url = f"/spotcheck/{plan.process.pk}/"
    for user, sees in ((world.planner_x, True), (world.head_x, True), (world.admin, True),
                       (world.inspector_x, False), (world.fire_inspector_x, False), (fire_head(world), False)):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert (target.institution.name in page) is sees, user


def test_the_process_page_keeps_each_rounds_plan_after_a_resubmission(client, world):
    from tests.url_rules_sampling import do_task, items, plan_fields

    more_institutions(world)
    plan = start(world, ratio_a=7)
    do_task(plan, "approve", world.head_x,
            lambda: services.return_plan(world.head_x, plan, world.civil_x, "比例过低"))
    fields = plan_fields(world, ratio_a=9)
    do_task(plan, "revise", world.planner_x,
            lambda: services.submit_plan(world.planner_x, fields, items(), [], plan=plan))
    assert [(r.round, r.snapshot["ratios"]["A"]) for r in plan.rounds.all()] == [(1, "7"), (2, "9")]
    client.force_login(world.head_x)
    page = client.get(f"/spotcheck/{plan.process.pk}/").content.decode()
    assert "A 7%" in page and "A 9%" in page and "比例过低" in page
