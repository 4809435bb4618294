"""The nightly full run gives every institution exactly what scoring.assess gives it.

On PostgreSQL the full run is SQL (credit/full_run.py); this test is what keeps it equal to the
one definition in credit/scoring.py, on random ledgers with corrections, blacklist entries and
removals, both schemes (the comparison one decays) and days on either side of the windows.
"""

import datetime as dt
import random

import pytest

from supervision.credit import rules as shipped
from supervision.credit import scoring, services
from supervision.credit.models import CreditEvent, CreditStanding, RuleSet
from tests.factories import institution

pytestmark = pytest.mark.django_db
START = dt.date(2025, 1, 31)


def _random_ledger(world, rng, institutions):
    events = []
    for inst in institutions:
        for _n in range(rng.randint(0, 12)):
            kind = rng.choice(sorted(shipped.DEFAULT_POINTS))
            cell = rng.choice(scoring.CELLS_OF_KIND.get(kind, ("",)))
            events.append(CreditEvent(
                institution=inst, department=world.civil_x, kind=kind, cell=cell,
                breach_class=rng.choice(scoring.BREACH_CLASSES),
                decided_on=START + dt.timedelta(days=rng.randint(0, 900)), recorded_by_name="test",
            ))
    CreditEvent.objects.bulk_create(events)
    saved = list(CreditEvent.objects.all())
    for event in rng.sample(saved, k=len(saved) // 8):
        CreditEvent.objects.create(
            institution=event.institution, department=event.department, kind=event.kind, cell=event.cell,
            breach_class=event.breach_class, decided_on=event.decided_on + dt.timedelta(days=rng.randint(0, 60)),
            reverses=event, recorded_by_name="test", note="更正",
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_full_run_scores_every_institution_as_the_scoring_function_does(world, seed):
    rng = random.Random(seed)
    institutions = [world.inst_p, world.inst_q] + [institution(world.street_x1) for _n in range(10)]
    _random_ledger(world, rng, institutions)
    for on in (dt.date(2025, 6, 30), dt.date(2026, 2, 28), dt.date(2026, 11, 2), dt.date(2027, 8, 31)):
        services.recompute_all(on)
        for code in ("default", "cms"):
            rule_set = services.rule_set_in_force(code, on) or RuleSet.objects.get(code=code, version=1)
            if rule_set.effective_from > on:
                continue
            rules = rule_set.as_rules()
            stored = {s.institution_id: s for s in CreditStanding.objects.filter(code=code)}
            for inst in institutions:
                expected = scoring.assess(services.scoring_events(inst.pk), rules, on)
                got = stored[inst.pk]
                assert (got.score, got.grade, got.graded_on) == (expected.score, expected.grade, on), (code, on, inst)
    world.inst_p.refresh_from_db()
    assert world.inst_p.credit_class == CreditStanding.objects.get(institution=world.inst_p, code="default").grade
