"""The 双随机 draw engine, rule by rule: the sample per credit class, then the teams.

Pure: no database. The method itself is described in supervision/sampling/engine.py.
"""

from collections import Counter
from fractions import Fraction

import pytest

from supervision.sampling.engine import (
    Candidate,
    Conflict,
    DrawRules,
    Inspector,
    as_fraction,
    draw,
    sample_size,
    stratified_sample,
)

CIVIL, FIRE, MARKET, HEALTH = "民政", "消防", "市场监管", "卫生健康"
SEED = bytes(range(32))


def rules(**overrides) -> DrawRules:
    settings = {"lead_department": CIVIL, "max_targets_per_inspector": 100}
    return DrawRules(**(settings | overrides))


def institutions(count: int, credit_class: str = "A", first_id: int = 1, **fields) -> list[Candidate]:
    return [
        Candidate(id=first_id + n, region=fields.get("region", "440101"), kind="private", credit_class=credit_class,
                  previous_inspectors=fields.get("previous_inspectors", ()))
        for n in range(count)
    ]


def staff(department: str, *ids: int, specialties=(), region="440101", load=0, active=True) -> list[Inspector]:
    return [
        Inspector(id=i, department=department, region=region, specialties=frozenset(specialties), load=load,
                  active=active)
        for i in ids
    ]


def by_id(inspectors):
    return {i.id: i for i in inspectors}


def every_target(**overrides) -> DrawRules:
    return rules(full_coverage=True, **overrides)


# --- Step 1: the sample ---------------------------------------------------------------------


def test_the_sample_size_rounds_up_exactly():
    assert sample_size(20, Fraction(1, 20)) == 1
    assert sample_size(21, Fraction(1, 20)) == 2
    assert sample_size(3, Fraction(1, 2)) == 2
    assert sample_size(1, Fraction(1, 1000)) == 1
    assert sample_size(0, Fraction(1, 2)) == 0
    assert sample_size(500, Fraction(0)) == 0
    assert sample_size(7, Fraction(1)) == 7


def test_float_ratios_are_read_as_the_decimal_they_print_as():
    assert as_fraction(0.15) == Fraction(3, 20)
    assert as_fraction(0.1) == Fraction(1, 10)
    # The binary value of 0.1 is a hair above 1/10: taken literally, 10 × 0.1 would round up to 2.
    assert sample_size(10, as_fraction(0.1)) == 1
    assert rules(ratios={"A": 0.05, "B": "3/20"}).ratios == {"A": Fraction(1, 20), "B": Fraction(3, 20)}


def test_each_class_is_drawn_at_its_ratio():
    candidates = []
    for n, credit_class in enumerate("ABCD"):
        candidates += institutions(40, credit_class, first_id=100 * n + 1)
    sample = stratified_sample(candidates, rules(), SEED)
    drawn = Counter(c.credit_class for c in sample.targets)
    assert drawn == {"A": 2, "B": 6, "C": 12, "D": 20}  # 5%, 15%, 30%, 50% of 40
    assert [(s.credit_class, s.population, s.drawn) for s in sample.strata] == [
        ("A", 40, 2), ("B", 40, 6), ("C", 40, 12), ("D", 40, 20),
    ]


def test_unrated_institutions_are_drawn_as_class_b_by_default():
    candidates = institutions(10, "B") + institutions(10, "unrated", first_id=11)
    stratum_b = {s.credit_class: s for s in stratified_sample(candidates, rules(), SEED).strata}["B"]
    assert (stratum_b.population, stratum_b.unrated, stratum_b.drawn) == (20, 10, 3)


def test_unrated_institutions_can_be_a_class_of_their_own():
    candidates = institutions(10, "B") + institutions(10, "unrated", first_id=11)
    plan = rules(ratios={"B": Fraction(1, 10), "unrated": 1}, unrated_as=None)
    sample = stratified_sample(candidates, plan, SEED)
    assert {s.credit_class: s.drawn for s in sample.strata} == {"B": 1, "unrated": 10}


def test_a_class_without_a_ratio_is_refused():
    with pytest.raises(ValueError, match="credit class 'E'"):
        stratified_sample(institutions(3, "E"), rules(), SEED)


def test_full_coverage_takes_every_institution():
    candidates = institutions(7, "A") + institutions(5, "D", first_id=8)
    sample = stratified_sample(candidates, rules(full_coverage=True), SEED)
    assert [c.id for c in sample.targets] == list(range(1, 13))
    assert all(s.drawn == s.population for s in sample.strata)


def test_the_order_of_the_list_does_not_matter():
    candidates = institutions(60, "C")
    forwards = stratified_sample(candidates, rules(), SEED).targets
    backwards = stratified_sample(candidates[::-1], rules(), SEED).targets
    assert forwards == backwards
    assert [c.id for c in forwards] == sorted(c.id for c in forwards)


def test_another_seed_draws_other_institutions():
    candidates = institutions(60, "C")
    first = stratified_sample(candidates, rules(), SEED).targets
    assert first != stratified_sample(candidates, rules(), b"x" * 32).targets


def test_the_targets_do_not_depend_on_the_inspector_library():
    candidates = institutions(50, "D")
    team_rules = rules(participating_departments=(FIRE,))
    few = staff(CIVIL, 1, 2, 3) + staff(FIRE, 11, 12)
    more = few + staff(CIVIL, 4, 5) + staff(FIRE, 13)
    targets = [a.candidate_id for a in draw(candidates, few, [], team_rules, SEED).targets]
    assert targets == [a.candidate_id for a in draw(candidates, more, [], team_rules, SEED).targets]


def test_an_institution_listed_twice_is_refused():
    with pytest.raises(ValueError, match="appears twice"):
        stratified_sample(institutions(3, "A") + institutions(1, "A"), rules(full_coverage=True), SEED)


def test_the_strata_summarise_the_institutions_not_drawn():
    candidates = institutions(200, "D") + institutions(10, "unrated", first_id=1000)
    summaries = [s.summary() for s in stratified_sample(candidates, rules(), SEED).strata]
    assert "class D, ratio 50%: 100 of 200 drawn, 100 not drawn" in summaries
    assert "class B (incl. 10 unrated), ratio 15%: 2 of 10 drawn, 8 not drawn" in summaries


# --- Step 2: the teams ----------------------------------------------------------------------


@pytest.mark.parametrize("participating", [(FIRE, MARKET), (CIVIL, FIRE, MARKET)])
def test_a_joint_team_has_the_lead_and_every_participating_department(participating):
    library = staff(CIVIL, 1, 2, 3) + staff(FIRE, 11, 12, 13) + staff(MARKET, 21, 22, 23) + staff(HEALTH, 31)
    result = draw(institutions(30), library, [], every_target(participating_departments=participating), SEED)
    departments = by_id(library)
    assert len(result.targets) == 30
    for assignment in result.targets:
        assert [departments[i].department for i in assignment.team] == [CIVIL, MARKET, FIRE]  # lead, then sorted


def test_a_team_is_filled_up_to_its_size_from_the_plan_departments():
    library = staff(CIVIL, 1, 2, 3) + staff(FIRE, 11, 12, 13) + staff(HEALTH, 31, 32)
    plan = every_target(participating_departments=(FIRE,), team_size=4)
    for assignment in draw(institutions(20), library, [], plan, SEED).targets:
        assert len(set(assignment.team)) == 4
        assert not {31, 32} & set(assignment.team)


def test_the_team_covers_the_specialties_the_check_items_need():
    library = staff(CIVIL, 1, 2, 3) + staff(CIVIL, 4, specialties={"food"}) + staff(FIRE, 11, 12, specialties={"fire"})
    plan = every_target(participating_departments=(FIRE,), required_specialties={"fire", "food"})
    result = draw(institutions(20), library, [], plan, SEED)
    specialties = {i.id: i.specialties for i in library}
    for assignment in result.targets:
        covered = set().union(*(specialties[i] for i in assignment.team))
        assert {"fire", "food"} <= covered
        assert 4 in assignment.team


def test_an_inspector_never_gets_an_institution_they_declared_a_conflict_with():
    library = staff(CIVIL, 1, 2) + staff(FIRE, 11, 12)
    conflicts = [Conflict(inspector_id=1, candidate_id=n) for n in range(1, 21)]
    result = draw(institutions(20), library, conflicts, every_target(participating_departments=(FIRE,)), SEED)
    assert all(a.team[0] == 2 for a in result.targets)
    recorded = [(e.id, e.candidate_id) for e in result.exclusions if e.rule == "conflict"]
    assert recorded == [(1, n) for n in range(1, 21)]


def test_last_times_inspectors_are_not_sent_again_when_others_can_go():
    library = staff(CIVIL, 1, 2) + staff(FIRE, 11, 12)
    candidates = institutions(20, previous_inspectors=(1, 11))
    result = draw(candidates, library, [], every_target(participating_departments=(FIRE,)), SEED)
    assert {a.team for a in result.targets} == {(2, 12)}
    assert result.notes == []


def test_a_previous_inspector_goes_again_only_when_nobody_else_can_and_it_is_noted():
    library = staff(CIVIL, 1) + staff(FIRE, 11, 12)
    candidates = institutions(5, previous_inspectors=(1, 11))
    result = draw(candidates, library, [], every_target(participating_departments=(FIRE,)), SEED)
    assert {a.team for a in result.targets} == {(1, 12)}
    assert [(n.candidate_id, n.rule, n.inspector_id) for n in result.notes] == [
        (c, "repeat_inspector", 1) for c in range(1, 6)
    ]


def test_the_load_cap_holds():
    library = staff(CIVIL, 1, 2, 3, 4, load=2) + staff(FIRE, 11, 12, 13, 14)
    plan = every_target(participating_departments=(FIRE,), max_targets_per_inspector=10)
    result = draw(institutions(30), library, [], plan, SEED)
    assert result.feasible
    given = Counter(i for a in result.targets for i in a.team)
    loads = {i.id: i.load for i in library}
    assert all(loads[i] + n <= 10 for i, n in given.items())
    reached = {e.id for e in result.exclusions if e.rule == "load_cap_reached"}
    assert reached == {i for i, n in given.items() if loads[i] + n == 10}
    assert len(reached & {1, 2, 3, 4}) >= 2  # 30 targets share 4 × 8 civil-affairs places


def test_inspectors_who_cannot_take_part_are_excluded_with_a_reason():
    library = (
        staff(CIVIL, 1, 2) + staff(CIVIL, 3, active=False) + staff(CIVIL, 4, load=5)
        + staff(FIRE, 11, 12) + staff(HEALTH, 31)
    )
    plan = every_target(participating_departments=(FIRE,), max_targets_per_inspector=5)
    result = draw(institutions(2), library, [], plan, SEED)
    assert [(e.id, e.rule) for e in result.exclusions] == [
        (3, "inactive"), (4, "load_cap"), (31, "not_in_plan_department"),
    ]
    assert all(e.detail for e in result.exclusions)


def test_local_inspectors_go_first_when_the_plan_prefers_them():
    library = staff(CIVIL, 1, 2, region="440101") + staff(CIVIL, 3, region="440102")
    candidates = institutions(10, region="440102") + institutions(10, first_id=11, region="440199")
    result = draw(candidates, library, [], every_target(prefer_local=True), SEED)
    teams = {a.candidate_id: a.team for a in result.targets}
    assert all(teams[c][0] == 3 for c in range(1, 11))  # the only local inspector leads
    assert {teams[c][0] for c in range(11, 21)} == {1, 2, 3}  # no local inspector: anyone


# --- When the rules cannot be met, nothing is published -------------------------------------


INFEASIBLE = {
    "no_lead_department_inspector": (staff(FIRE, 11, 12), [], {}),
    "no_department_inspector:消防": (staff(CIVIL, 1, 2) + staff(FIRE, 11, active=False), [], {}),
    "specialty_uncovered:fire": (staff(CIVIL, 1, 2) + staff(FIRE, 11, 12), [], {"required_specialties": {"fire"}}),
    "team_too_small": (staff(CIVIL, 1) + staff(FIRE, 11), [], {"team_size": 3}),
    "load_cap": (staff(CIVIL, 1, 2, load=3) + staff(FIRE, 11, 12), [], {"max_targets_per_inspector": 4}),
    "no_lead_department_inspector ": (staff(CIVIL, 1) + staff(FIRE, 11), [Conflict(1, 3)], {}),
}


@pytest.mark.parametrize("expected", INFEASIBLE)
def test_an_infeasible_draw_names_the_target_and_the_rule_and_has_no_targets(expected):
    library, conflicts, overrides = INFEASIBLE[expected]
    plan = every_target(participating_departments=(FIRE,), **overrides)
    result = draw(institutions(3), library, conflicts, plan, SEED)
    assert not result.feasible
    assert result.targets == []
    assert {p.rule for p in result.problems} == {expected.strip()}
    assert all(p.detail for p in result.problems)
    if expected == "load_cap":
        assert [p.candidate_id for p in result.problems] == [3]  # two places each for 1 and 2
    if conflicts:
        assert [p.candidate_id for p in result.problems] == [3]


def test_a_target_that_cannot_be_staffed_does_not_use_up_anyones_load():
    # Target 1 cannot get a fire inspector; the civil inspector it would have had stays free.
    library = staff(CIVIL, 1) + staff(FIRE, 11)
    plan = every_target(participating_departments=(FIRE,), max_targets_per_inspector=1)
    result = draw(institutions(2), library, [Conflict(11, 1)], plan, SEED)
    assert [(p.candidate_id, p.rule) for p in result.problems] == [(1, "no_department_inspector:消防")]


# --- The rules themselves -------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"team_size": 1}, "at least 2"),
        ({"ratios": {"A": 2, "B": 0.1}}, "between 0 and 1"),
        ({"ratios": {"A": 0.1}}, "unrated"),
        ({"max_targets_per_inspector": 0}, "load cap"),
        ({"lead_department": ""}, "lead department"),
    ],
)
def test_impossible_rules_are_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        rules(**overrides)


def test_the_plan_departments_are_the_lead_then_the_others_in_sorted_order():
    assert rules(participating_departments=(MARKET, CIVIL, FIRE, FIRE)).plan_departments == (CIVIL, MARKET, FIRE)
    assert rules().plan_departments == (CIVIL,)
