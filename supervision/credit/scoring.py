"""The credit score and grade of one institution: a pure function of its events, a rule set and a date.

Pure Python, standard library only, no Django import (like ``sampling/engine.py``): the same
file explains a published grade on anyone's laptop. Every point of a score traces to the event
that caused it, and the lines of the explanation add up to the score exactly.

Inputs
------
* events (信用事件): ``Event(id, kind, decided_on, breach_class, cell, reverses)``. ``kind`` is
  a key of the rule set's points (``"finding"``, ``"penalty"`` …); ``cell`` is the severity
  cell A–L of a finding, the level "1".."5" of a grading, "" otherwise; ``decided_on`` is the
  date of the underlying decision (the inspection, the penalty decision …); ``breach_class`` is
  ``"minor"``, ``"general"`` or ``"serious"`` (国办发〔2025〕22号); ``reverses`` is the id of an
  earlier event this one corrects (a withdrawn penalty, a finding entered in error).
* a ``RuleSet``: the base score, points per kind and cell, how many months each class counts,
  whether points decay inside the window, the grade bands, the blacklist override.
* the date ``on`` the score is evaluated for.

The rules, in order
-------------------
1. Only events decided on or before ``on`` are known. An event reversed by a known correction
   does not count from the correction's date on; the correction itself scores nothing.
2. An event counts from ``decided_on`` until ``ends_on = decided_on + months(window of its
   class)`` (exclusive; the end of a short month is clamped: 31 Jan + 1 month = 28/29 Feb). On
   ``ends_on`` it leaves the score by itself (at the maximum, publication stops automatically).
3. Its points are ``points[kind][cell]``, falling back to ``points[kind][""]``. With ``decay``
   they shrink linearly to nothing over the window: ``points × (ends_on − on) / (ends_on −
   decided_on)`` in days, rounded half away from zero to 0.01.
4. The score is ``base + Σ points``, held inside 0–100; any clamp is a line of its own.
5. The grade is the band the score falls in: band (grade, low, high) holds ``low ≤ score <
   high``; the top band also holds its ``high``. A blacklisted institution (a blacklist entry
   still counting and not followed by a removal) is given ``blacklist_grade`` whatever its
   score. An institution with no known event at all is ``"unrated"``: there is nothing to
   grade it on.

The explanation lists the base, every event that moved the score (by how much, why it counts
and the day it stops), any clamp, and every known event that does not count with the reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

MINOR, GENERAL, SERIOUS = "minor", "general", "serious"
BREACH_CLASSES = (MINOR, GENERAL, SERIOUS)
UNRATED = "unrated"
GRADES = ("A", "B", "C", "D")
SEVERITY_CELLS = tuple("ABCDEFGHIJKL")
GRADING_LEVELS = ("1", "2", "3", "4", "5")

# Kinds whose points are given per cell, and the cells each needs.
CELLS_OF_KIND: dict[str, tuple[str, ...]] = {"finding": SEVERITY_CELLS, "grading_level": GRADING_LEVELS}
BLACKLIST_ENTRY, BLACKLIST_REMOVAL = "blacklist_entry", "blacklist_removal"

# 国办发〔2025〕22号: how many months each class may be published (minimum, maximum).
WINDOW_LIMITS: dict[str, tuple[int, int]] = {MINOR: (0, 3), GENERAL: (3, 12), SERIOUS: (12, 36)}

CENT = Decimal("0.01")
SCORE_MIN, SCORE_MAX = Decimal(0), Decimal(100)


@dataclass(frozen=True, slots=True)
class Event:
    """One credit event of the institution, as recorded in the ledger."""

    id: int
    kind: str
    decided_on: dt.date
    breach_class: str
    cell: str = ""
    reverses: int | None = None


@dataclass(frozen=True, slots=True)
class Band:
    grade: str
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class RuleSet:
    """How events become a score and a grade. ``points[kind][cell]``: negative deducts."""

    name: str
    effective_from: dt.date
    base: Decimal
    points: Mapping[str, Mapping[str, Decimal]]
    window_months: Mapping[str, int]
    bands: tuple[Band, ...]
    decay: bool = False
    blacklist_grade: str | None = "D"
    version: int = 0

    def points_for(self, kind: str, cell: str) -> Decimal:
        table = self.points.get(kind, {})
        if cell in table:
            return Decimal(table[cell])
        return Decimal(table.get("", 0))


# --- the explanation ------------------------------------------------------------------------

# Line kinds that are not events.
BASE, FLOOR, CEILING = "base", "floor", "ceiling"
# Why an event counts or does not.
COUNTS, COUNTS_DECAYING = "counts", "counts_decaying"
NOT_YET, EXPIRED, REVERSED, CORRECTION, NO_POINTS = "not_yet", "expired", "reversed", "correction", "no_points"


@dataclass(frozen=True, slots=True)
class Line:
    """One term of the score: the base, an event's points, or a clamp to 0–100."""

    kind: str
    points: Decimal
    event_id: int | None = None
    cell: str = ""
    breach_class: str = ""
    decided_on: dt.date | None = None
    ends_on: dt.date | None = None
    full_points: Decimal | None = None
    why: str = ""


@dataclass(frozen=True, slots=True)
class NotCounted:
    event_id: int
    kind: str
    why: str  # NOT_YET, EXPIRED, REVERSED, CORRECTION, NO_POINTS
    since: dt.date | None = None  # the day it stopped counting (expired, reversed)


@dataclass(frozen=True)
class Assessment:
    """The score and grade of one institution on one day, with every line that made them."""

    on: dt.date
    rule_set: str
    rule_set_version: int
    score: Decimal
    grade: str
    band_grade: str | None  # the band the score falls in, before any override
    blacklisted: bool
    lines: tuple[Line, ...]
    not_counted: tuple[NotCounted, ...] = field(default=())

    @property
    def moved_by(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.event_id is not None)

    def total(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))


# --- dates ----------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, the end of a short month clamped (as PostgreSQL's interval)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ends_on(event: Event, rules: RuleSet) -> dt.date:
    return add_months(event.decided_on, rules.window_months[event.breach_class])


def _round(value: Fraction) -> Decimal:
    """Half away from zero to 0.01, from an exact fraction."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(CENT, rounding=ROUND_HALF_UP)


def _decayed(points: Decimal, event: Event, end: dt.date, on: dt.date) -> Decimal:
    window = (end - event.decided_on).days
    if window <= 0:
        return Decimal(0)
    return _round(Fraction(points) * (end - on).days / window)


# --- the score ------------------------------------------------------------------------------


def band_of(score: Decimal, bands: Iterable[Band]) -> str | None:
    ordered = sorted(bands, key=lambda b: b.low)
    for n, band in enumerate(ordered):
        top = n == len(ordered) - 1
        if band.low <= score < band.high or (top and score == band.high):
            return band.grade
    return None


def assess(events: Iterable[Event], rules: RuleSet, on: dt.date) -> Assessment:
    """The score and grade on ``on`` under ``rules``, with its explanation (rules 1–5 above)."""
    known = sorted((e for e in events if e.decided_on <= on), key=lambda e: (e.decided_on, e.id))
    future = [e for e in events if e.decided_on > on]
    reversed_on = {e.reverses: e.decided_on for e in known if e.reverses is not None}
    lines = [Line(BASE, Decimal(rules.base))]
    skipped = [NotCounted(e.id, e.kind, NOT_YET) for e in sorted(future, key=lambda e: (e.decided_on, e.id))]
    blacklisted = False
    for event in known:
        end = ends_on(event, rules)
        if event.reverses is not None:
            skipped.append(NotCounted(event.id, event.kind, CORRECTION))
            continue
        if event.id in reversed_on:
            skipped.append(NotCounted(event.id, event.kind, REVERSED, reversed_on[event.id]))
            continue
        if event.kind == BLACKLIST_ENTRY:
            blacklisted = on < end
        elif event.kind == BLACKLIST_REMOVAL:
            blacklisted = False
        if on >= end:
            skipped.append(NotCounted(event.id, event.kind, EXPIRED, end))
            continue
        full = rules.points_for(event.kind, event.cell)
        points = _decayed(full, event, end, on) if rules.decay else full
        if points == 0:
            skipped.append(NotCounted(event.id, event.kind, NO_POINTS))
            continue
        lines.append(Line(
            event.kind, points, event.id, event.cell, event.breach_class, event.decided_on, end, full,
            COUNTS_DECAYING if rules.decay else COUNTS,
        ))
    raw = sum((line.points for line in lines), Decimal(0))
    if raw < SCORE_MIN:
        lines.append(Line(FLOOR, SCORE_MIN - raw))
    elif raw > SCORE_MAX:
        lines.append(Line(CEILING, SCORE_MAX - raw))
    score = min(max(raw, SCORE_MIN), SCORE_MAX)
    band = band_of(score, rules.bands)
    if not known:
        grade = UNRATED
    elif blacklisted and rules.blacklist_grade:
        grade = rules.blacklist_grade
    else:
        grade = band or UNRATED
    return Assessment(on, rules.name, rules.version, score, grade, band, blacklisted, tuple(lines), tuple(skipped))


def in_force(rule_sets: Iterable[RuleSet], on: dt.date) -> RuleSet | None:
    """The rule set in force on ``on``: the latest effective on or before it (then the newest version)."""
    eligible = [r for r in rule_sets if r.effective_from <= on]
    return max(eligible, key=lambda r: (r.effective_from, r.version)) if eligible else None


# --- checking a rule set ----------------------------------------------------------------------

# Problem codes; each comes with the values a message needs (the desk words them).
BAND_OVERLAP, BAND_GAP, BAND_RANGE, BAND_GRADES = "band_overlap", "band_gap", "band_range", "band_grades"
WINDOW_NEGATIVE, WINDOW_OUTSIDE_22, WINDOW_MISSING = "window_negative", "window_outside_limits", "window_missing"
CELL_MISSING, BASE_RANGE = "cell_missing", "base_range"


@dataclass(frozen=True, slots=True)
class Problem:
    code: str
    values: Mapping[str, object]

    def __str__(self):
        return f"{self.code}: {dict(self.values)}"


def check_rule_set(rules: RuleSet, kinds: Iterable[str] = ()) -> list[Problem]:
    """Everything wrong with a rule set (empty when it may be used).

    ``kinds``: the event kinds the ledger knows; each needs points (0 is a value).
    """
    problems: list[Problem] = []
    if not SCORE_MIN <= Decimal(rules.base) <= SCORE_MAX:
        problems.append(Problem(BASE_RANGE, {"base": rules.base}))
    for breach_class in BREACH_CLASSES:
        months = rules.window_months.get(breach_class)
        low, high = WINDOW_LIMITS[breach_class]
        if months is None:
            problems.append(Problem(WINDOW_MISSING, {"class": breach_class}))
        elif months < 0:
            problems.append(Problem(WINDOW_NEGATIVE, {"class": breach_class, "months": months}))
        elif not low <= months <= high:
            problems.append(Problem(WINDOW_OUTSIDE_22, {"class": breach_class, "months": months,
                                                        "min": low, "max": high}))
    for kind in kinds:
        table = rules.points.get(kind, {})
        needed = CELLS_OF_KIND.get(kind, ("",))
        for cell in needed:
            if cell not in table:
                problems.append(Problem(CELL_MISSING, {"kind": kind, "cell": cell}))
    problems.extend(_band_problems(rules.bands))
    return problems


def _band_problems(bands: Iterable[Band]) -> list[Problem]:
    bands = list(bands)
    problems = []
    if sorted(b.grade for b in bands) != list(GRADES):
        problems.append(Problem(BAND_GRADES, {"grades": [b.grade for b in bands]}))
    ordered = sorted(bands, key=lambda b: (b.low, b.high))
    for band in ordered:
        if band.low >= band.high:
            problems.append(Problem(BAND_RANGE, {"grade": band.grade, "low": band.low, "high": band.high}))
    for lower, upper in zip(ordered, ordered[1:]):  # noqa: B905 - adjacent pairs
        if lower.high > upper.low:
            problems.append(Problem(BAND_OVERLAP, {"grade": lower.grade, "other": upper.grade,
                                                   "at": upper.low, "until": min(lower.high, upper.high)}))
        elif lower.high < upper.low:
            problems.append(Problem(BAND_GAP, {"low": lower.high, "high": upper.low}))
    if ordered and ordered[0].low > SCORE_MIN:
        problems.append(Problem(BAND_GAP, {"low": SCORE_MIN, "high": ordered[0].low}))
    if ordered and ordered[-1].high < SCORE_MAX:
        problems.append(Problem(BAND_GAP, {"low": ordered[-1].high, "high": SCORE_MAX}))
    return problems


# --- the words of an explanation (English; the desk translates the codes) ----------------------


def describe(assessment: Assessment) -> str:
    """The explanation as plain text, one line per term: what a citizen's copy prints."""
    out = [f"{assessment.rule_set} v{assessment.rule_set_version}, {assessment.on.isoformat()}: "
           f"score {assessment.score}, grade {assessment.grade}"]
    for line in assessment.lines:
        if line.event_id is None:
            out.append(f"  {line.points:+} {line.kind}")
        else:
            out.append(f"  {line.points:+} event {line.event_id} {line.kind} {line.cell} ({line.breach_class}, "
                       f"decided {line.decided_on.isoformat()}, counts until {line.ends_on.isoformat()})")
    for skipped in assessment.not_counted:
        since = f" since {skipped.since.isoformat()}" if skipped.since else ""
        out.append(f"  not counted: event {skipped.event_id} {skipped.kind}: {skipped.why}{since}")
    return "\n".join(out)
