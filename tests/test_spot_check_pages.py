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
