"""The draw on the database: inputs loaded in scope, feasible and infeasible draws, publication."""

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError

from supervision.inspections.models import Inspection
from supervision.sampling import engine, services
from supervision.sampling.models import DrawRecord
from supervision.staff.models import ConflictOfInterest
from tests.factories import institution, official
from tests.url_rules_sampling import (
    staffed_while_submitting,
    approve,
    confirm,
    more_institutions,
    published_plan,
    redraw,
    run,
    second_head,
    start,
    third_inspector,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_inputs_are_the_scope_and_the_qualified_inspectors_of_the_plan(world):
    insts = more_institutions(world)
    closed = institution(world.street_x1, operating_status="closed")
    day_care = institution(world.street_x1, kind="day_care")
    official("expired_x", world.civil_x, "inspector", certificate="CERT-X-OLD", certificate_valid_until="2020-01-01")
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    draw = services.current_draw(plan)
    inputs = json.loads(services.frozen_inputs(draw))

    candidate_ids = {c["id"] for c in inputs["candidates"]}
    assert candidate_ids == {world.inst_p.pk, *(i.pk for i in insts)}
    assert world.inst_q.pk not in candidate_ids  # district Y
    assert closed.pk not in candidate_ids and day_care.pk not in candidate_ids
    inspector_ids = {i["id"] for i in inputs["inspectors"]}
    assert inspector_ids == {world.inspector_x.official.pk, world.head_x.official.pk}  # not expired, not Y, not fire
    assert inputs["rules"]["ratios"] == {"A": "1/20", "B": "3/20", "C": "3/10", "D": "1/2"}
    assert draw.inputs_sha256 == hashlib.sha256(services.frozen_inputs(draw)).hexdigest()
    assert draw.input_sha256 == engine.input_hashes(inputs)


def test_a_feasible_draw_is_published_with_inspections_whose_teams_respect_conflicts(world):
    third_inspector(world)
    insts = more_institutions(world, classes=("D", "D", "D", "D"))
    for inst in [world.inst_p, *insts]:
        ConflictOfInterest.objects.create(official=world.inspector_x.official, institution=inst, reason="亲属任职")
    plan = published_plan(world, ratio_d=100, ratio_b=100)
    draw = services.current_draw(plan)
    assert draw.published_at is not None and draw.record_sha256
    targets = list(draw.targets.all())
    assert {t.institution_id for t in targets} == {world.inst_p.pk, *(i.pk for i in insts)}
    for t in targets:
        assert world.inspector_x.official.pk not in t.team_order  # recused everywhere (回避)
        assert len(t.team_order) == 2
        assert set(t.inspection.team.values_list("pk", flat=True)) == set(t.team_order)
    record = json.loads(draw.record_file.read())
    assert engine.verify(record).ok
    assert record["seed"] == bytes(draw.seed).hex()


def test_an_infeasible_draw_explains_itself_to_the_planner_and_publishes_nothing(client, world):
    more_institutions(world)
    with staffed_while_submitting(world):  # the fire specialist leaves between submission and draw
        plan = start(world, item_codes=("fire-safety",), ratio_a=100, ratio_b=100, ratio_c=100, ratio_d=100)
    approve(world, plan, world.head_x, world.civil_x)
    run(world, plan)
    draw = services.current_draw(plan)
    assert draw.feasible is False and draw.published_at is not None
    assert draw.problems and {p["rule"] for p in draw.problems} == {"specialty_uncovered:fire"}
    assert not draw.targets.exists() and not Inspection.objects.exists()
    # The plan goes back to the planner, who sees why.
    from tests.url_rules_sampling import open_task

    task = open_task(plan, "revise")
    assert task is not None
    client.force_login(world.planner_x)
    url = f"/spotcheck/{task.process_id}/revise/{task.pk}/"
    client.post(url + "assign/")
    page = client.get(url + "execute/").content.decode()
    assert "消防" in page and world.inst_p.name in page  # "no free inspector holding the specialty 消防"
    # Publicly: the commitment stays, nothing of the draw itself (no seed, no names, no record).
    client.logout()
    public = client.get(f"/public/spot-checks/{plan.pk}/").content.decode()
    assert draw.commitment in public and bytes(draw.seed).hex() not in public
    assert world.inst_p.name not in public and world.inst_p.credit_code not in public
    assert client.get(f"/public/spot-checks/draws/{draw.pk}/record.json").status_code == 404
    # Its record is kept and verifies, for disclosure with the plan's result.
    record = json.loads(draw.record_file.read())
    assert record["result"]["targets"] == [] and record["result"]["problems"]
    assert engine.verify(record).ok


def test_the_commitment_is_public_before_and_equals_the_sha256_of_the_seed_after(client, world):
    more_institutions(world)
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    draw = services.current_draw(plan)
    seed_hex = bytes(draw.seed).hex()
    for url in ("/public/spot-checks/", f"/public/spot-checks/{plan.pk}/"):
        page = client.get(url).content.decode()
        assert seed_hex not in page
    assert draw.commitment in client.get(f"/public/spot-checks/{plan.pk}/").content.decode()

    run(world, plan)
    assert seed_hex not in client.get(f"/public/spot-checks/{plan.pk}/").content.decode()  # drawn, not confirmed
    confirm(world, plan)
    page = client.get(f"/public/spot-checks/{plan.pk}/").content.decode()
    assert seed_hex in page
    assert hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest() == draw.commitment


def test_a_redraw_needs_a_ground_and_is_published_as_a_new_record_linked_to_the_old(client, world):
    more_institutions(world)
    head_x2 = second_head(world)
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    run(world, plan)
    first = services.current_draw(plan)
    with pytest.raises(ValidationError):
        services.request_redraw(world.head_x, first, "", "")
    with pytest.raises(ValidationError):
        services.request_redraw(world.head_x, first, "other", "  ")  # "other" needs an explanation
    redraw(world, plan, head_x2, "staff_change", "抽中人员调岗")
    second = services.current_draw(plan)
    first.refresh_from_db()
    assert second.number == 2 and second.redraw_of == first
    assert (second.redraw_ground, second.redraw_reason) == ("staff_change", "抽中人员调岗")
    assert first.published_at is not None and first.is_superseded  # the discarded draw is public too
    assert not Inspection.objects.exists()
    assert second.commitment != first.commitment

    run(world, plan)
    confirm(world, plan)
    second.refresh_from_db()
    assert second.published_at is not None
    assert Inspection.objects.count() == second.targets.count()
    page = client.get(f"/public/spot-checks/{plan.pk}/").content.decode()
    assert "抽中人员调岗" in page and bytes(first.seed).hex() in page and bytes(second.seed).hex() in page


def test_the_previous_draw_s_inspectors_are_an_input_of_the_next(world):
    more_institutions(world, classes=("D",))
    first = published_plan(world, ratio_d=100, ratio_b=0)
    target = services.current_draw(first).targets.get()
    second = start(world, name="第二次", ratio_d=100, ratio_b=0)
    approve(world, second, world.head_x, world.civil_x)
    inputs = json.loads(services.frozen_inputs(services.current_draw(second)))
    row = next(c for c in inputs["candidates"] if c["id"] == target.institution_id)
    assert row["previous_inspectors"] == sorted(target.team_order)
    loads = {i["id"]: i["load"] for i in inputs["inspectors"]}
    assert all(loads[pk] == 1 for pk in target.team_order)  # the open inspection counts


def test_a_draw_runs_once_and_publishes_once(world):
    more_institutions(world)
    plan = published_plan(world)
    draw = services.current_draw(plan)
    with pytest.raises(ValidationError):
        services.run_draw(world.planner_x, draw)
    with pytest.raises(ValidationError):
        services.publish_result(draw)
    assert DrawRecord.objects.filter(plan=plan).count() == 1


def test_the_inspections_a_published_draw_creates_are_in_the_audit_log(world):
    from supervision.core.models import AuditEntry

    more_institutions(world)
    published_plan(world)
    created = set(AuditEntry.objects.filter(model="inspections.Inspection", action="create")
                  .values_list("object_pk", flat=True))
    assert created and created == {str(pk) for pk in Inspection.objects.values_list("pk", flat=True)}


def test_a_published_plan_cannot_be_withdrawn(world):
    more_institutions(world)
    plan = published_plan(world)
    with pytest.raises(ValidationError):
        services.withdraw_plan(world.planner_x, plan)
    plan.refresh_from_db()
    assert plan.withdrawn_at is None
