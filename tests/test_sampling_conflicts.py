"""Declared conflicts (回避) are committed in full by salted hashes and revealed only for drawn
targets, never with a reason; the public can check the revealed pairs belong to the commitment."""

import json

import pytest

from supervision.sampling import engine, services
from supervision.staff.models import ConflictOfInterest
from tests.factories import institution
from tests.url_rules_sampling import more_institutions, published_plan, third_inspector

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_only_conflicts_of_drawn_targets_are_revealed_and_they_belong_to_the_committed_list(world):
    third_inspector(world)
    insts = more_institutions(world, classes=("D", "D"))
    outside = institution(world.street_x1, name="未抽中养老院", credit_class="A", operating_status="operating")
    inspector = world.inspector_x.official
    for inst in [*insts, outside]:
        ConflictOfInterest.objects.create(official=inspector, institution=inst, reason="亲属任职-机密")
    plan = published_plan(world, ratio_a=0, ratio_b=0, ratio_c=0, ratio_d=100)
    draw = services.current_draw(plan)
    with draw.record_file.open("rb") as f:
        raw = f.read().decode()
    record = json.loads(raw)
    assert "亲属任职" not in raw  # never a reason
    revealed = {(c["candidate_id"], c["inspector_id"]) for c in record["conflicts_revealed"]}
    assert revealed == {(inst.pk, inspector.pk) for inst in insts}  # not the undrawn institution's
    committed = record["inputs"]["conflicts"]
    assert len(committed) == 3 and all(set(c) == {"candidate_id", "pair_sha256"} for c in committed)
    assert engine.verify(record).ok
    record["conflicts_revealed"].pop()  # hiding a drawn target's conflict is caught
    assert "conflicts" in [c.name for c in engine.verify(record).failures]
