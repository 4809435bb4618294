"""Properties of the pure scoring function (credit/scoring.py), on random events and rule sets."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from supervision.credit import rules as shipped
from supervision.credit import scoring
from supervision.credit.scoring import Event, add_months, assess

START = dt.date(2026, 1, 1)
KINDS = sorted(shipped.DEFAULT_POINTS)


def rule_set(decay=False, base="80"):
    row = shipped.SHIPPED[0]
    return scoring.RuleSet(
        name="default", effective_from=START, base=Decimal(base),
        points={k: {c: Decimal(p) for c, p in cells.items()} for k, cells in row["points"].items()},
        window_months=dict(row["window_months"]), decay=decay,
        bands=tuple(scoring.Band(b["grade"], Decimal(b["low"]), Decimal(b["high"])) for b in row["bands"]),
    )


@st.composite
def events(draw, min_size=0):
    n = draw(st.integers(min_size, 12))
    out = []
    for i in range(1, n + 1):
        kind = draw(st.sampled_from(KINDS))
        cells = scoring.CELLS_OF_KIND.get(kind, ("",))
        decided = START + dt.timedelta(days=draw(st.integers(0, 1200)))
        reverses = draw(st.sampled_from([None, None, None, *[e.id for e in out if e.reverses is None]]))
        if reverses is not None:
            if any(e.reverses == reverses for e in out):
                reverses = None
            else:
                original = next(e for e in out if e.id == reverses)
                kind, decided = original.kind, max(decided, original.decided_on)
                cells = (original.cell,)
        out.append(Event(i, kind, decided, draw(st.sampled_from(scoring.BREACH_CLASSES)),
                         draw(st.sampled_from(cells)), reverses))
    return out


days = st.integers(0, 1500).map(lambda n: START + dt.timedelta(days=n))
decays = st.booleans()


@settings(max_examples=200, deadline=None)
@given(events(), days, decays)
def test_the_explanation_adds_up_to_the_score(evts, on, decay):
    result = assess(evts, rule_set(decay), on)
    assert result.total() == result.score
    assert Decimal(0) <= result.score <= Decimal(100)


@settings(max_examples=200, deadline=None)
@given(events(), days, decays)
def test_every_known_event_is_either_a_line_or_said_why_not(evts, on, decay):
    result = assess(evts, rule_set(decay), on)
    explained = [line.event_id for line in result.moved_by] + [n.event_id for n in result.not_counted]
    assert sorted(explained) == sorted(e.id for e in evts)


@settings(max_examples=200, deadline=None)
@given(events(), days, decays, st.sampled_from(scoring.SEVERITY_CELLS[3:]), st.sampled_from(scoring.BREACH_CLASSES))
def test_one_more_deduction_never_raises_the_score(evts, on, decay, cell, breach_class):
    rules = rule_set(decay)
    before = assess(evts, rules, on)
    deduction = Event(999, "finding", on - dt.timedelta(days=1), breach_class, cell)
    after = assess([*evts, deduction], rules, on)
    assert after.score <= before.score


@settings(max_examples=200, deadline=None)
@given(events(), days, st.integers(1, 5))
def test_a_heavier_deduction_never_gives_a_higher_score(evts, on, extra):
    rules = rule_set()
    heavier = replace(rules, points={**rules.points, "penalty": {"": rules.points["penalty"][""] - extra}})
    assert assess(evts, heavier, on).score <= assess(evts, rules, on).score


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(scoring.BREACH_CLASSES), st.sampled_from([k for k in KINDS if k not in scoring.CELLS_OF_KIND]),
       st.integers(0, 800), decays)
def test_an_event_counts_inside_its_window_and_leaves_on_the_day_it_ends(breach_class, kind, offset, decay):
    rules = rule_set(decay)
    decided = START + dt.timedelta(days=offset)
    event = Event(1, kind, decided, breach_class)
    end = add_months(decided, rules.window_months[breach_class])
    last_day = assess([event], rules, end - dt.timedelta(days=1))
    gone = assess([event], rules, end)
    assert gone.score == rules.base
    assert [n.why for n in gone.not_counted] == [scoring.EXPIRED]
    assert gone.not_counted[0].since == end
    if rules.points[kind][""] and not decay:
        assert last_day.moved_by[0].ends_on == end
        assert last_day.score == rules.base + rules.points[kind][""]


@settings(max_examples=100, deadline=None)
@given(events(), days, decays)
def test_the_same_inputs_give_the_same_output_whatever_the_order_or_the_day_of_asking(evts, on, decay):
    rules = rule_set(decay)
    first = assess(evts, rules, on)
    again = assess(list(reversed(evts)), rules, on)
    assert first == again
    assert scoring.describe(first) == scoring.describe(again)


@settings(max_examples=100, deadline=None)
@given(events(), days)
def test_events_after_the_day_are_not_known_yet(evts, on):
    rules = rule_set()
    known = [e for e in evts if e.decided_on <= on and (e.reverses is None or e.decided_on <= on)]
    assert assess(evts, rules, on).score == assess(known, rules, on).score


def test_a_reversed_event_counts_until_its_correction_and_then_not_at_all():
    rules = rule_set()
    penalty = Event(1, "penalty", dt.date(2026, 3, 1), "general")
    withdrawal = Event(2, "penalty", dt.date(2026, 3, 10), "general", reverses=1)
    assert assess([penalty, withdrawal], rules, dt.date(2026, 3, 9)).score == Decimal(70)
    after = assess([penalty, withdrawal], rules, dt.date(2026, 3, 10))
    assert after.score == Decimal(80)
    assert {(n.event_id, n.why) for n in after.not_counted} == {(1, scoring.REVERSED), (2, scoring.CORRECTION)}


def test_a_blacklisted_institution_is_d_whatever_its_score_until_it_is_removed():
    rules = replace(rule_set(), points={**rule_set().points, "blacklist_entry": {"": Decimal(0)},
                                        "commendation": {"": Decimal(20)}})
    entry = Event(1, "blacklist_entry", dt.date(2026, 2, 1), "serious")
    praise = Event(2, "commendation", dt.date(2026, 2, 1), "general")
    listed = assess([entry, praise], rules, dt.date(2026, 3, 1))
    assert (listed.score, listed.band_grade, listed.grade, listed.blacklisted) == (Decimal(100), "A", "D", True)
    removal = Event(3, "blacklist_removal", dt.date(2026, 4, 1), "serious")
    assert assess([entry, praise, removal], rules, dt.date(2026, 4, 1)).grade == "A"


def test_no_data_means_unrated_and_a_clamp_is_a_line_of_its_own():
    rules = rule_set()
    assert assess([], rules, dt.date(2026, 5, 1)).grade == scoring.UNRATED
    many = [Event(i, "penalty", dt.date(2026, 4, 1), "general") for i in range(1, 11)]
    result = assess(many, rules, dt.date(2026, 5, 1))
    assert result.score == 0 and result.grade == "D"
    assert result.lines[-1].kind == scoring.FLOOR and result.lines[-1].points == Decimal(20)


def test_decay_shrinks_points_linearly_to_nothing_at_the_end_of_the_window():
    rules = rule_set(decay=True)
    event = Event(1, "penalty", dt.date(2026, 1, 1), "general")  # 365 days, -10
    half = assess([event], rules, dt.date(2026, 7, 2))  # 183 of 365 days left
    assert half.moved_by[0].points == Decimal("-5.01")  # -10 × 183/365 = -5.0137…


def test_the_shipped_rule_sets_are_valid():
    for row in shipped.SHIPPED:
        rules = scoring.RuleSet(
            name=row["code"], effective_from=row["effective_from"], base=Decimal(row["base"]),
            points={k: {c: Decimal(p) for c, p in cells.items()} for k, cells in row["points"].items()},
            window_months=row["window_months"], decay=row["decay"],
            bands=tuple(scoring.Band(b["grade"], Decimal(b["low"]), Decimal(b["high"])) for b in row["bands"]),
        )
        assert scoring.check_rule_set(rules, KINDS) == []
