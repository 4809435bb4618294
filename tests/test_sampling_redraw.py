"""Re-draws and infeasible draws leave a public trail: a ground from a fixed list, two heads, a cap
per plan, and the next commitment carries the discarded draw's commitment, seed and reason."""

import json

import pytest
from django.utils import translation
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.sampling import engine, services
from supervision.sampling.models import DrawRecord
from tests.url_rules_sampling import (
    staffed_while_submitting,
    approve,
    do_task,
    items,
    more_institutions,
    plan_fields,
    redraw,
    run,
    second_head,
    start,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _drawn_plan(world):
    more_institutions(world)
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    run(world, plan)
    return plan


def _inputs(draw) -> dict:
    return json.loads(services.frozen_inputs(draw))


def test_a_redraw_needs_a_ground_from_the_fixed_list(world):
    plan = _drawn_plan(world)
    draw = services.current_draw(plan)
    for ground in ("", "不满意", "other"):  # "other" without an explanation
        with pytest.raises(ValidationError):
            services.request_redraw(world.head_x, draw, ground, "")


def test_the_head_who_asks_for_a_redraw_cannot_approve_it_alone(world):
    plan = _drawn_plan(world)
    draw = services.current_draw(plan)
    do_task(plan, "confirm", world.head_x, lambda: services.request_redraw(world.head_x, draw, "staff_change"))
    with pytest.raises(PermissionDenied):
        services.approve_redraw(world.head_x, services.pending_redraw(plan))
    assert DrawRecord.objects.filter(plan=plan).count() == 1


def test_redraws_are_capped_per_plan(world, settings):
    settings.SPOT_CHECK_MAX_REDRAWS = 2
    plan = _drawn_plan(world)
    head_x2 = second_head(world)
    for _ in range(2):
        redraw(world, plan, head_x2)
        run(world, plan)
    with translation.override("en"), pytest.raises(ValidationError, match="re-draws"):
        services.request_redraw(world.head_x, services.current_draw(plan), "staff_change")
    assert services.current_draw(plan).number == 3


def test_the_new_commitment_carries_the_discarded_draws_commitment_seed_and_reason(world):
    plan = _drawn_plan(world)
    first = services.current_draw(plan)
    redraw(world, plan, second_head(world), "new_recusal", "发现亲属关系")
    second = services.current_draw(plan)
    chain = _inputs(second)["chain"]
    assert chain["previous"] == {
        "number": 1, "commitment": first.commitment, "seed": bytes(first.seed).hex(), "outcome": "superseded",
        "ground": "new_recusal", "reason": "发现亲属关系",
    }
    assert second.input_sha256["chain"] == engine.sha256_hex(engine.canonical_json(chain))  # hashed, announced
    first.refresh_from_db()
    assert first.published_at is not None and first.is_superseded


def test_an_infeasible_draw_is_linked_from_the_next_commitment_and_an_unchanged_resubmission_is_recorded(
        client, world):
    more_institutions(world)
    fire_only = dict(item_codes=("fire-safety",), ratio_a=100, ratio_b=100, ratio_c=100, ratio_d=100)
    with staffed_while_submitting(world):
        plan = start(world, **fire_only)
    approve(world, plan, world.head_x, world.civil_x)
    run(world, plan)
    bad = services.current_draw(plan)
    assert bad.feasible is False and bad.published_at is not None and not bad.targets.exists()
    fields = plan_fields(world, ratio_a=100, ratio_b=100, ratio_c=100, ratio_d=100)
    with staffed_while_submitting(world):
        do_task(plan, "revise", world.planner_x,
                lambda: services.submit_plan(world.planner_x, fields, items("fire-safety"), [], plan=plan))
    approve(world, plan, world.head_x, world.civil_x)
    after = services.current_draw(plan)
    assert after.number == 2 and after.same_rules_as_previous is True
    chain = _inputs(after)["chain"]
    assert chain["previous"]["outcome"] == "infeasible" and chain["previous"]["seed"] == bytes(bad.seed).hex()
    assert chain["same_rules_as_previous"] is True
    page = client.get(f"/public/spot-checks/{plan.pk}/").content.decode()
    assert bytes(bad.seed).hex() not in page  # disclosed only with the plan's result
    # Once a later draw of the plan is published, the infeasible one is disclosed too.
    assert client.get(f"/public/spot-checks/draws/{bad.pk}/record.json").status_code == 404
    type(after).objects.filter(pk=after.pk).update(feasible=True, published_at=bad.published_at)
    assert services.is_disclosed(bad)
    assert client.get(f"/public/spot-checks/draws/{bad.pk}/record.json").status_code == 200
