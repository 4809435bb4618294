"""The spot-check process tells whoever must act next: the heads when a plan awaits approval, the
planners when it is returned or its draw cannot be staffed, each inspector of a published draw."""

import pytest

from supervision.notifications.models import Notification
from supervision.sampling import services
from tests.url_rules_sampling import (
    approve, do_task, fire_head, more_institutions, published_plan, run, staffed_while_submitting, start,
)

pytestmark = pytest.mark.django_db


def _told(kind):
    return {n.recipient.username: n for n in Notification.objects.filter(kind=kind).select_related("recipient")}


def test_every_department_head_is_asked_to_approve(world):
    plan = start(world, participating=[world.fire_x], name="联合抽查甲")
    asked = _told("approval_requested")
    assert set(asked) == {"head_x", fire_head(world).username}
    assert "联合抽查甲" in asked["head_x"].text and asked["head_x"].link == "/spotcheck/queue/"
    assert plan.round == 1 and not _told("plan_returned")


def test_the_planners_hear_of_a_return_with_its_reasons(world):
    plan = start(world)
    do_task(plan, "approve", world.head_x, lambda: services.return_plan(world.head_x, plan, world.civil_x, "比例过低"))
    returned = _told("plan_returned")
    assert set(returned) == {"planner_x"} and "比例过低" in returned["planner_x"].text


def test_an_infeasible_draw_is_told_to_the_planners_and_heads(world):
    more_institutions(world)
    with staffed_while_submitting(world):
        plan = start(world, item_codes=("fire-safety",), ratio_a=100, ratio_b=100, ratio_c=100, ratio_d=100)
    approve(world, plan, world.head_x, world.civil_x)
    run(world, plan)
    assert set(_told("draw_infeasible")) == {"planner_x", "head_x"}
    assert not _told("inspection_assigned")


def test_each_inspector_of_a_published_draw_is_told_once_with_their_count(world):
    more_institutions(world)
    plan = published_plan(world)
    draw = services.current_draw(plan)
    assert draw.published_at is not None  # the process publishes once the head confirms
    counts = {}
    for target in draw.targets.all():
        for official_id in target.team_order:
            counts[official_id] = counts.get(official_id, 0) + 1
    told = Notification.objects.filter(kind="inspection_assigned")
    assert told.count() == len(counts) > 0
    for notification in told.select_related("recipient__official"):
        assert f"{counts[notification.recipient.official.pk]} " in notification.text
        assert notification.link == "/field/"

