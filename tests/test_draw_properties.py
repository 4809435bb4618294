"""On any small library and plan, the draw never breaks a rule, or it publishes nothing.

Hypothesis builds the inputs: a few institutions in every credit class, inspectors in plan and
non-plan departments with random specialties, loads and conflicts, and random plan rules.
"""

from collections import Counter
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from supervision.sampling.engine import (
    Candidate,
    Conflict,
    DrawRules,
    Inspector,
    draw,
    result_digest,
    sample_size,
    stratified_sample,
)

DEPARTMENTS = ["民政", "消防", "市场监管"]
OUTSIDE = "卫生健康"
SPECIALTIES = ["fire", "food", "medical"]
REGIONS = ["440101", "440102"]
CLASSES = ["A", "B", "C", "D", "unrated"]
PROBLEM_RULES = {"no_lead_department_inspector", "team_too_small", "load_cap"}
PROBLEM_PREFIXES = ("no_department_inspector:", "specialty_uncovered:")


@st.composite
def worlds(draw_from):
    """(candidates, inspectors, conflicts, rules, seed): small, and feasible about half the time."""
    usual = [Fraction(1, 2), Fraction(1), Fraction(3, 10), Fraction(1, 20), Fraction(0)]
    ratio = st.sampled_from(usual) | st.fractions(0, 1, max_denominator=7)
    rules = DrawRules(
        lead_department=draw_from(st.sampled_from(DEPARTMENTS)),
        participating_departments=tuple(draw_from(st.lists(st.sampled_from(DEPARTMENTS), max_size=2, unique=True))),
        ratios={cls: draw_from(ratio) for cls in "ABCD"},
        full_coverage=draw_from(st.booleans()),
        team_size=draw_from(st.integers(2, 4)),
        required_specialties=frozenset(draw_from(st.lists(st.sampled_from(SPECIALTIES), max_size=2))),
        max_targets_per_inspector=draw_from(st.integers(1, 10)),
        prefer_local=draw_from(st.booleans()),
    )
    # Mostly plan departments, so that many draws can be staffed; some others, to be left out.
    departments = [*rules.plan_departments] * 3 + [OUTSIDE]
    inspector_ids = draw_from(st.lists(st.integers(1, 60), min_size=3, max_size=20, unique=True))
    inspectors = [
        Inspector(
            id=i,
            department=draw_from(st.sampled_from(departments)),
            region=draw_from(st.sampled_from(REGIONS)),
            specialties=frozenset(draw_from(st.lists(st.sampled_from(SPECIALTIES), max_size=2))),
            load=draw_from(st.integers(0, 2)),
            active=draw_from(st.integers(0, 9)) > 0,
        )
        for i in inspector_ids
    ]
    previous = st.lists(st.sampled_from(inspector_ids), max_size=2, unique=True).map(tuple)
    candidate_ids = draw_from(st.lists(st.integers(1, 500), max_size=12, unique=True))
    candidates = [
        Candidate(
            id=c,
            region=draw_from(st.sampled_from(REGIONS)),
            kind="private",
            credit_class=draw_from(st.sampled_from(CLASSES)),
            previous_inspectors=draw_from(previous),
        )
        for c in candidate_ids
    ]
    conflicts = []
    if inspector_ids and candidate_ids:
        pairs = st.tuples(st.sampled_from(inspector_ids), st.sampled_from(candidate_ids))
        conflicts = [Conflict(i, c) for i, c in draw_from(st.lists(pairs, max_size=6))]
    seed = draw_from(st.binary(min_size=1, max_size=40))
    return candidates, inspectors, conflicts, rules, seed


def qualified(inspector: Inspector, rules: DrawRules) -> bool:
    return inspector.active and inspector.department in rules.plan_departments


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_no_rule_is_ever_broken(world):
    candidates, inspectors, conflicts, rules, seed = world
    result = draw(*world)
    people = {i.id: i for i in inspectors}
    declared = {(c.inspector_id, c.candidate_id) for c in conflicts}
    if not result.feasible:
        assert result.targets == []
        return
    targets = [a.candidate_id for a in result.targets]
    assert targets == sorted(set(targets))  # in id order, none twice
    assert targets == [c.id for c in stratified_sample(candidates, rules, seed).targets]
    given_now = Counter()
    for assignment in result.targets:
        team = [people[i] for i in assignment.team]
        assert len(set(assignment.team)) == len(team) >= rules.team_size
        assert len(team) <= max(rules.team_size, len(rules.plan_departments) + len(rules.required_specialties))
        assert all(qualified(i, rules) for i in team)
        assert {i.department for i in team} >= set(rules.plan_departments)
        assert team[0].department == rules.lead_department
        assert rules.required_specialties <= set().union(*(i.specialties for i in team))
        assert not any((i.id, assignment.candidate_id) in declared for i in team)
        given_now.update(assignment.team)
    for inspector_id, count in given_now.items():
        assert people[inspector_id].load + count <= rules.max_targets_per_inspector


@settings(max_examples=100, deadline=None)
@given(worlds())
def test_a_previous_inspector_is_sent_again_only_with_a_note(world):
    candidates, *_ = world
    result = draw(*world)
    previous = {c.id: set(c.previous_inspectors) for c in candidates}
    repeats = {(a.candidate_id, i) for a in result.targets for i in a.team if i in previous[a.candidate_id]}
    noted = {(n.candidate_id, n.inspector_id) for n in result.notes if n.rule == "repeat_inspector"}
    assert repeats == noted


@settings(max_examples=100, deadline=None)
@given(worlds())
def test_each_class_is_sampled_by_the_rounding_rule(world):
    candidates, _, _, rules, seed = world
    sample = stratified_sample(candidates, rules, seed)
    per_class = Counter("B" if c.credit_class == "unrated" else c.credit_class for c in candidates)
    drawn = Counter("B" if c.credit_class == "unrated" else c.credit_class for c in sample.targets)
    for stratum in sample.strata:
        n = per_class[stratum.credit_class]
        expected = n if rules.full_coverage else sample_size(n, rules.ratios[stratum.credit_class])
        assert stratum.population == n
        assert stratum.drawn == drawn[stratum.credit_class] == expected
        if not rules.full_coverage:  # ceil(n × ratio), written out once more
            ratio = rules.ratios[stratum.credit_class]
            assert expected == -(-n * ratio.numerator // ratio.denominator)
    assert len({c.id for c in sample.targets}) == len(sample.targets)


@settings(max_examples=100, deadline=None)
@given(worlds())
def test_every_inspector_left_out_has_a_reason(world):
    candidates, inspectors, conflicts, rules, seed = world
    result = draw(*world)
    reasons = {(e.id, e.rule) for e in result.exclusions}
    for person in inspectors:
        if not person.active:
            assert (person.id, "inactive") in reasons
        elif person.department not in rules.plan_departments:
            assert (person.id, "not_in_plan_department") in reasons
        elif person.load >= rules.max_targets_per_inspector:
            assert (person.id, "load_cap") in reasons
    drawn = {c.id for c in stratified_sample(candidates, rules, seed).targets}
    recorded = {(e.id, e.candidate_id) for e in result.exclusions if e.rule == "conflict"}
    assert recorded == {(c.inspector_id, c.candidate_id) for c in conflicts if c.candidate_id in drawn}
    given_now = Counter(i for a in result.targets for i in a.team)
    people = {i.id: i for i in inspectors}
    for inspector_id, count in given_now.items():
        if people[inspector_id].load + count == rules.max_targets_per_inspector:
            assert (inspector_id, "load_cap_reached") in reasons


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_a_problem_names_a_drawn_target_and_a_rule_that_really_fails(world):
    candidates, inspectors, conflicts, rules, seed = world
    result = draw(*world)
    drawn = {c.id for c in stratified_sample(candidates, rules, seed).targets}
    declared = {(c.inspector_id, c.candidate_id) for c in conflicts}
    for problem in result.problems:
        assert problem.candidate_id in drawn
        assert problem.rule in PROBLEM_RULES or problem.rule.startswith(PROBLEM_PREFIXES)
        free = [i for i in inspectors if qualified(i, rules) and (i.id, problem.candidate_id) not in declared]
        if problem.rule == "no_lead_department_inspector":
            assert not [i for i in free if i.department == rules.lead_department]
        elif problem.rule.startswith("no_department_inspector:"):
            department = problem.rule.split(":", 1)[1]
            assert department in rules.plan_departments
            assert not [i for i in free if i.department == department]
        elif problem.rule == "team_too_small":
            assert len(free) < rules.team_size
        elif problem.rule.startswith("specialty_uncovered:"):
            specialty = problem.rule.split(":", 1)[1]
            assert specialty in rules.required_specialties
            assert not [i for i in free if specialty in i.specialties]
        else:  # load_cap: someone could have gone, but for the cap
            assert free


@settings(max_examples=75, deadline=None)
@given(worlds())
def test_without_any_lead_department_inspector_nothing_is_published(world):
    candidates, inspectors, conflicts, rules, seed = world
    inspectors = [i for i in inspectors if i.department != rules.lead_department]
    result = draw(candidates, inspectors, conflicts, rules, seed)
    if stratified_sample(candidates, rules, seed).targets:
        assert not result.feasible
        assert result.targets == []
        assert "no_lead_department_inspector" in {p.rule for p in result.problems}


@settings(max_examples=75, deadline=None)
@given(worlds(), st.integers(61, 99), st.sampled_from(DEPARTMENTS))
def test_adding_an_inspector_does_not_change_which_institutions_are_drawn(world, new_id, department):
    candidates, inspectors, conflicts, rules, seed = world
    extra = Inspector(id=new_id, department=department, region=REGIONS[0], specialties=frozenset(SPECIALTIES))
    before = stratified_sample(candidates, rules, seed).targets
    after = draw(candidates, [*inspectors, extra], conflicts, rules, seed)
    assert draw(*world).strata == after.strata
    if after.feasible:
        assert [a.candidate_id for a in after.targets] == [c.id for c in before]


@settings(max_examples=50, deadline=None)
@given(worlds())
def test_the_same_inputs_give_the_same_result(world):
    first, second = draw(*world), draw(*world)
    assert first == second
    assert result_digest(first) == result_digest(second)


def test_ratios_are_fractions_after_normalising():
    rules = DrawRules(lead_department="民政", max_targets_per_inspector=1, ratios={"A": 0.05, "B": 1, "C": "1/3"})
    assert rules.ratios == {"A": Fraction(1, 20), "B": Fraction(1), "C": Fraction(1, 3)}
