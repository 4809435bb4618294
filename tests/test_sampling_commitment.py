"""One open commitment per plan and round: committing twice returns the same draw."""

import pytest
from django.db import IntegrityError, transaction

from supervision.sampling import services
from supervision.sampling.models import DrawRecord
from tests.url_rules_sampling import approve, more_institutions, run, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_committing_a_seed_twice_returns_the_open_draw_instead_of_orphaning_it(world):
    more_institutions(world)
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    first = services.current_draw(plan)
    assert services.commit_seed(plan) == first
    assert DrawRecord.objects.filter(plan=plan).count() == 1
    run(world, plan)
    first.refresh_from_db()
    assert first.drawn_at is not None and first.round == plan.round


def test_the_database_refuses_a_second_open_draw_in_a_round(world):
    more_institutions(world)
    plan = start(world)
    approve(world, plan, world.head_x, world.civil_x)
    first = services.current_draw(plan)
    with pytest.raises(IntegrityError), transaction.atomic():
        DrawRecord.objects.create(plan=plan, number=2, round=first.round, commitment="0" * 64, seed=b"0" * 32,
                                  inputs_sha256="0" * 64)
