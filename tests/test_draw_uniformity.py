"""The draw is uniform: chi-square tests over many fixed seeds.

Each test repeats a small draw under 2,000+ different seeds and compares how often each outcome
comes up with what a uniform draw would give. The statistic is computed by hand and compared
with the chi-square critical value for p = 0.001, so a correct engine fails about once in a
thousand choices of seeds; the seeds are fixed, so the result is the same on every run.
"""

import hashlib
from collections import Counter
from itertools import combinations

from supervision.sampling.engine import (
    Candidate,
    Conflict,
    DrawRules,
    Inspector,
    SeedStream,
    draw,
    stratified_sample,
)

# Upper 0.1% points of the chi-square distribution, by degrees of freedom.
CRITICAL_P001 = {3: 16.266, 6: 22.458, 9: 27.877, 14: 36.123, 19: 43.820}


def seeds(count: int, purpose: str):
    return [hashlib.sha256(f"{purpose}:{n}".encode()).digest() for n in range(count)]


def chi_square(counts: Counter, outcomes: list) -> float:
    expected = sum(counts[o] for o in outcomes) / len(outcomes)
    assert set(counts) <= set(outcomes)
    return sum((counts[o] - expected) ** 2 / expected for o in outcomes)


def institutions(count: int) -> list[Candidate]:
    return [Candidate(id=n, region="440101", kind="private", credit_class="A") for n in range(1, count + 1)]


def civil_affairs(*ids: int) -> list[Inspector]:
    return [Inspector(id=i, department="民政", region="440101") for i in ids]


def test_every_institution_is_equally_likely_to_be_drawn():
    # 2,000 draws of 5 out of 20 in one class: each institution is expected 500 times.
    plan = DrawRules(lead_department="民政", max_targets_per_inspector=1, ratios={"A": "1/4"}, unrated_as=None)
    counts = Counter()
    for seed in seeds(2000, "sample"):
        counts.update(c.id for c in stratified_sample(institutions(20), plan, seed).targets)
    assert sum(counts.values()) == 10_000
    assert chi_square(counts, list(range(1, 21))) < CRITICAL_P001[19]


def test_every_pair_of_institutions_is_equally_likely_to_be_drawn_together():
    # Uniform single institutions are not enough: every 2-subset of 6 must be equally likely too.
    plan = DrawRules(lead_department="民政", max_targets_per_inspector=1, ratios={"A": "1/3"}, unrated_as=None)
    counts = Counter()
    for seed in seeds(3000, "pairs"):
        counts[tuple(c.id for c in stratified_sample(institutions(6), plan, seed).targets)] += 1
    assert chi_square(counts, list(combinations(range(1, 7), 2))) < CRITICAL_P001[14]


def test_every_eligible_inspector_is_equally_likely_to_be_sent():
    plan = DrawRules(lead_department="民政", max_targets_per_inspector=5, full_coverage=True)
    counts = Counter()
    for seed in seeds(2000, "team"):
        counts[draw(institutions(1), civil_affairs(*range(1, 11)), [], plan, seed).targets[0].team[0]] += 1
    assert chi_square(counts, list(range(1, 11))) < CRITICAL_P001[9]


def test_inspectors_with_a_conflict_leave_the_others_equally_likely():
    # Rejection sampling: picks of the 3 conflicted inspectors are thrown away and drawn again.
    plan = DrawRules(lead_department="民政", max_targets_per_inspector=5, full_coverage=True)
    conflicts = [Conflict(inspector_id=i, candidate_id=1) for i in (2, 5, 9)]
    counts = Counter()
    for seed in seeds(2100, "conflict"):
        counts[draw(institutions(1), civil_affairs(*range(1, 11)), conflicts, plan, seed).targets[0].team[0]] += 1
    assert chi_square(counts, [1, 3, 4, 6, 7, 8, 10]) < CRITICAL_P001[6]


def test_the_fallback_list_keeps_the_choice_uniform_when_most_of_the_pool_is_ineligible():
    # 36 of 40 conflicted: eight rejection tries all fail about 43% of the time and the draw
    # falls back to the list of the 4 eligible. Both paths must give each of them a quarter.
    plan = DrawRules(lead_department="民政", max_targets_per_inspector=5, full_coverage=True)
    eligible = [7, 17, 27, 37]
    conflicts = [Conflict(inspector_id=i, candidate_id=1) for i in range(1, 41) if i not in eligible]
    counts = Counter()
    for seed in seeds(2000, "fallback"):
        counts[draw(institutions(1), civil_affairs(*range(1, 41)), conflicts, plan, seed).targets[0].team[0]] += 1
    assert chi_square(counts, eligible) < CRITICAL_P001[3]


def test_uniform_int_is_uniform_including_over_a_range_that_needs_rejection():
    for n in (7, 10):
        stream = SeedStream(b"uniform", f"test:{n}")
        counts = Counter(stream.uniform_int(n) for _ in range(700 * n))
        assert chi_square(counts, list(range(n))) < CRITICAL_P001[n - 1]
    # Just above 2**63 half of all 64-bit values are rejected; the accepted ones stay uniform
    # over the range's 4 quarters.
    n = 2**63 + 1
    stream = SeedStream(b"uniform", "test:big")
    counts = Counter(stream.uniform_int(n) * 4 // n for _ in range(4000))
    assert chi_square(counts, [0, 1, 2, 3]) < CRITICAL_P001[3]
