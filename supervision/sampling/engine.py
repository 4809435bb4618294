"""The 双随机 draw (random targets, random inspectors) and how anyone can check it.

Pure Python, standard library only, no Django import: the same file re-runs a published draw
on a citizen's laptop::

    python engine.py draw-N-record.json [--commitment HEX] [--inputs-sha256 HEX]

(the two options: the values announced before the draw, if you noted them). Method identifier:
``METHOD`` ("double-random/2"). Any change to what follows that can change a result or the
published record must change that identifier.

Inputs
------
* candidates (检查对象名录库): ``Candidate(id, region, kind, credit_class, previous_inspectors,
  name, credit_code, credit_graded_on)``; ``credit_class`` is a key of the plan's ratios ("A".."D")
  or "unrated", the institution's credit grade on ``credit_graded_on`` (ISO date, "" if never graded);
  ``previous_inspectors`` are the inspectors of the institution's previous draw. ``name`` and
  ``credit_code`` (统一社会信用代码) are public facts that link the lists to the names on the
  page; the draw does not read them.
* inspectors (执法检查人员名录库): ``Inspector(id, department, region, specialties, load, active,
  name, own_department)``; ``load`` is the number of targets the inspector already carries;
  ``department`` is the plan department served under, ``own_department`` the one the person
  belongs to. Names and departments are public in 双随机 practice; no phone or certificate number.
* declared conflicts of interest (回避): ``Conflict(inspector_id, candidate_id)``.
* ``DrawRules``: ratios per credit class, full coverage or not, minimum team size, lead and
  participating departments, specialties the plan's check items need, the load cap, whether
  local inspectors go first, and the plan's scope (region code and name, institution kinds,
  operating status; published, not read by the draw).
* a secret seed of 32 random bytes (``new_seed()``), whose SHA-256 (``commitment()``) is
  published before the draw.

Randomness: HMAC-SHA256 in counter mode
---------------------------------------
All randomness comes from labelled streams. Block ``c`` (c = 0, 1, 2, ...) of the stream with
label L is ``HMAC-SHA256(key=seed, msg=UTF-8(L) || c as 8 bytes big-endian)``. The 32-byte blocks
are read in order as 64-bit unsigned integers, 8 bytes each, big-endian (4 per block).

``uniform_int(n)`` (a number in 0..n-1, n >= 1) takes the next integer x and accepts it when
``x < 2**64 - (2**64 mod n)``, returning ``x mod n``; otherwise it takes the next one. Every
call consumes at least one integer, including ``uniform_int(1)``.

Labels: ``"sample:<class>"`` for each stratum, ``"team:<candidate id>"`` (decimal) for each
target's team. The targets therefore do not depend on the inspector library at all, and one
target's team draws do not shift another's.

Step 1, the sample (stratified, without replacement, uniform within a class)
--------------------------------------------------------------------------
1. Each candidate goes to the stratum of its credit class; "unrated" candidates go to the
   stratum ``rules.unrated_as`` (default "B"), or to a stratum of their own when that is None.
   A class that has no ratio is an input error.
2. In each stratum (classes in sorted order; the order does not matter, the streams are
   separate) the members are sorted by id: a[0..n-1]. The sample size is
   ``k = ceil(n × ratio)`` computed exactly (ratios are fractions; a float ratio is read through
   its shortest decimal form, so 0.15 means 3/20). Rounding up means a non-empty class with a
   positive ratio always has at least one target. With ``full_coverage`` (全覆盖) k = n and no
   randomness is used.
3. Partial Fisher–Yates on the stream "sample:<class>": for i = 0..k-1:
   ``j = i + uniform_int(n - i)``; swap a[i] and a[j]. The stratum's targets are a[0..k-1].
4. The targets of all strata, sorted by id, are the targets of the draw. Candidates not drawn
   are summarised per stratum (``DrawResult.strata``), not listed one by one.

Step 2, the teams (uniform among the eligible)
---------------------------------------------
Inspectors are first screened once, in id order; each one screened out gets an exclusion with
its reason: ``inactive``; ``not_in_plan_department`` (the plan's departments are the lead
department and the participating ones); ``load_cap`` (load already at or over
``max_targets_per_inspector``). The rest are "qualified". Pools are lists of qualified inspector
ids in ascending order: one per plan department, one per required specialty (qualified
inspectors holding it), one for the whole plan, and, with ``prefer_local``, each of those again
restricted to one region. An inspector leaves every pool when their load (starting load plus
targets given in this draw) reaches the cap; that is an exclusion ``load_cap_reached``.

Targets are staffed one by one in ascending id order, each with its own stream
"team:<id>". The team is built slot by slot:

a. one slot for the lead department, then one for each other participating department, in
   sorted order (a joint check, 部门联合: the lead may be listed among the participating
   departments or not, it gets one slot either way);
b. then, for each required specialty in sorted order that no member so far holds, one slot
   drawn from that specialty's pool;
c. then slots from the whole plan pool until the team has ``team_size`` members.

So ``team_size`` is a minimum: a joint check with more departments than ``team_size``, or
specialties the department members do not cover, gives a larger team. Specialties are a
property of the team (the union must cover them), not of each inspector.

An inspector is eligible for a slot when they are in the slot's pool, not already on the team
and have not declared a conflict with this target. The slot is filled from the first non-empty
tier of eligible inspectors:

1. (only with ``prefer_local``) those of the target's region who were not among the target's
   previous inspectors, drawn from the region's pool;
2. those who were not among the target's previous inspectors;
3. the target's previous inspectors (used only when nobody else is eligible; a note
   ``repeat_inspector`` says so).

Within a tier the choice is uniform, by rejection: up to ``REJECTION_TRIES`` (8) times,
``pool[uniform_int(len(pool))]`` is taken and kept if it belongs to the tier. If all eight fail,
the tier's members are listed in pool order and ``list[uniform_int(len(list))]`` is taken; an
empty list means the tier is empty and the next tier is tried. An empty pool is skipped without
drawing. Both paths are uniform over the tier, so the whole is; load has no influence other than
the cap (双随机 is uniform, not balanced).

Every declared conflict with a drawn target is listed as an exclusion ``conflict``.

When no tier has anyone, the target gets no team and the draw records a problem naming the
target and the rule: ``no_lead_department_inspector``, ``no_department_inspector:<dept>``,
``specialty_uncovered:<specialty>``, ``team_too_small``, or ``load_cap`` when some qualified
inspector could have filled the slot but all such are at the cap. The draw goes on to list every
target that cannot be staffed. Load is counted only for complete teams. A draw with problems is
infeasible: it has no targets and no notes; it is published
with its inputs and problems, and creates no inspection.

The draw does not search for an assignment: each team is drawn given the load the earlier teams
left. A ``load_cap`` problem means this draw ran out of places, not that no assignment exists;
a higher cap or more inspectors is the remedy, not another seed.

Publication and verification
----------------------------
``canonical_json(value)`` is ``json.dumps(value, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)`` encoded as UTF-8 (for these values, integers below 2**53, strings,
booleans, null, lists and objects with ASCII keys, it coincides with RFC 8785).

The frozen inputs (``inputs_json``) have five parts: "candidates" and "inspectors" sorted by id,
sets as sorted lists; "rules" with ratios as strings "numerator/denominator" and the "scope";
"conflicts", the committed conflict list; "chain", the link to the plan's previous draw. Their
canonical JSON's SHA-256 (``inputs_sha256``) and each part's (``input_sha256``) are published
with the commitment, before the draw.

Conflicts are committed, not published: for each pair a salt = the first 32 hex digits of
HMAC-SHA256(conflict key, "conflict:<candidate id>:<inspector id>"), under a key that is never
published, and the row {"candidate_id", "pair_sha256": SHA-256 of the canonical JSON of
{"candidate_id", "inspector_id", "salt"}}; rows sorted by (candidate_id, pair_sha256). A
conflict only matters for a sampled candidate (step 2 looks at no other), so the record reveals
exactly the pairs of the sampled candidates, with their salts (``conflicts_revealed``), never a
reason. ``verify`` checks that every revealed pair is in the committed list and that every
committed row of a sampled candidate is revealed; the draw is re-run on the revealed pairs.

The chain part is {"previous": null or {"number", "commitment", "seed", "outcome"
("superseded" by a re-draw, or "infeasible"), "ground", "reason"}, "same_rules_as_previous"}:
the previous draw's seed is revealed in the next draw's commitment, so nobody can discard a
draw quietly, and ``verify`` checks sha256(previous seed) = previous commitment.

The published record (``published_record``) holds the commitment, the seed (hex), the inputs
with their hashes, the revealed conflicts, the result (``result_json``) and the result's SHA-256.
A drawn draw is published feasible or not; an infeasible one has problems and no targets.

The result's hash is the SHA-256 of the canonical JSON of ``result_json`` without the "detail"
texts: {"feasible", "targets": [{"candidate_id", "team"}], "problems": [{"candidate_id",
"rule"}], "exclusions": [{"subject", "id", "rule", "candidate_id"}], "notes": [{"candidate_id",
"rule", "inspector_id"}], "strata": [{"credit_class", "ratio", "population", "unrated",
"drawn"}]}. Targets are in id order with teams in slot order, problems and notes in draw order,
exclusions sorted by (subject, id, rule, candidate_id with none first). ``verify`` checks
sha256(seed) = commitment, the inputs' hashes (and the announced values, if given), the scope
(every candidate of a stated kind), the chain, the conflicts and the result hash, then re-runs
the draw. Any malformed field is a failed check, never an exception.

Limit of the commitment: whoever holds the seed can try inputs before freezing them. Publish
the input hashes together with the commitment, and prefer a seed mixed with a public value
revealed after the freeze (a lottery result, a beacon).

Speed: a million candidates, 50,000 inspectors, joint teams of three: about 1.5 s
(benchmarks/bench_draw.py). Pass candidates in id order, as ``order_by("id")`` returns them:
any order gives the same result, but sorting a shuffled million adds about 0.3 s.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import hmac
import json
import re
import sys
import secrets
import struct
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from operator import attrgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple

METHOD = "double-random/2"
RECORD_FORMAT = "supervision.draw-record/2"
UNRATED = "unrated"
REJECTION_TRIES = 8
DEFAULT_RATIOS = {"A": Fraction(1, 20), "B": Fraction(3, 20), "C": Fraction(3, 10), "D": Fraction(1, 2)}

_TWO64 = 1 << 64
_FOUR_U64 = struct.Struct(">4Q")
_COUNTER_ZERO = bytes(8)
_by_id = attrgetter("id")
_NOTHING: frozenset[int] = frozenset()
_EMPTY: list[int] = []
_PLAN = ("plan",)


# ---------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class Candidate:
    """An institution in the target library (检查对象名录库)."""

    id: int
    region: str
    kind: str
    credit_class: str  # a ratio key ("A".."D") or "unrated"
    previous_inspectors: tuple[int, ...] = ()  # the team of the institution's previous draw
    # Public facts that link the published lists to the names on the page; the draw ignores them.
    name: str = ""
    credit_code: str = ""  # 统一社会信用代码
    credit_graded_on: str = ""  # the day the credit class was graded (ISO date); the draw ignores it


@dataclass(frozen=True, slots=True)
class Inspector:
    """A person in the inspector library (执法检查人员名录库)."""

    id: int
    department: str
    region: str
    specialties: frozenset[str] = frozenset()
    load: int = 0  # targets already carried
    active: bool = True
    # Public facts (双随机 practice publishes who inspects); the draw ignores them. ``department``
    # is the plan department served under, ``own_department`` the one the person belongs to.
    name: str = ""
    own_department: str = ""


@dataclass(frozen=True, slots=True)
class Conflict:
    """A declared conflict of interest (回避): the inspector never gets this candidate."""

    inspector_id: int
    candidate_id: int


def as_fraction(value: Fraction | int | float | str | Decimal) -> Fraction:
    """An exact ratio; floats are read through their shortest decimal form (0.15 -> 3/20)."""
    if isinstance(value, bool):
        raise TypeError("a ratio cannot be a boolean")
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


@dataclass(frozen=True, kw_only=True)
class DrawRules:
    """One plan's rules (一细则). ``team_size`` is a minimum, see the module docstring."""

    lead_department: str
    max_targets_per_inspector: int
    ratios: Mapping[str, Fraction | int | float | str] = field(default_factory=lambda: dict(DEFAULT_RATIOS))
    unrated_as: str | None = "B"
    full_coverage: bool = False
    team_size: int = 2
    participating_departments: tuple[str, ...] = ()
    required_specialties: frozenset[str] = frozenset()
    prefer_local: bool = False
    # The plan's scope, published so anyone can see what the candidate list had to be; the draw
    # ignores it. ``institution_kinds`` empty means "not stated".
    scope_region_code: str = ""
    scope_region_name: str = ""
    institution_kinds: tuple[str, ...] = ()
    operating_status: str = ""

    def __post_init__(self):
        ratios = {str(cls): as_fraction(r) for cls, r in self.ratios.items()}
        for cls, r in ratios.items():
            if not 0 <= r <= 1:
                raise ValueError(f"ratio for class {cls} must be between 0 and 1, not {r}")
        if self.unrated_as is not None and self.unrated_as not in ratios:
            raise ValueError(f"unrated candidates are treated as {self.unrated_as!r}, which has no ratio")
        if self.team_size < 2:
            raise ValueError("a team has at least 2 inspectors")
        if self.max_targets_per_inspector < 1:
            raise ValueError("the load cap must be at least 1")
        if not self.lead_department:
            raise ValueError("a plan needs a lead department")
        object.__setattr__(self, "ratios", ratios)
        if self.unrated_as == UNRATED:
            object.__setattr__(self, "unrated_as", None)
        object.__setattr__(self, "participating_departments", tuple(sorted(set(self.participating_departments))))
        object.__setattr__(self, "required_specialties", frozenset(self.required_specialties))
        object.__setattr__(self, "institution_kinds", tuple(sorted(set(self.institution_kinds))))

    @property
    def plan_departments(self) -> tuple[str, ...]:
        """The lead department first, then the other participating departments in sorted order."""
        others = [d for d in self.participating_departments if d != self.lead_department]
        return (self.lead_department, *others)


# ---------------------------------------------------------------------------------------------
# Results


# Result rows are NamedTuples: a provincial draw makes hundreds of thousands of them, and a frozen
# dataclass takes about 2 µs to build.


class Assignment(NamedTuple):
    candidate_id: int
    team: tuple[int, ...]  # in slot order: the lead department's member first


class Exclusion(NamedTuple):
    subject: Literal["candidate", "inspector"]
    id: int
    rule: str
    detail: str = ""
    candidate_id: int | None = None  # the target concerned, for a conflict


class Problem(NamedTuple):
    """Why a target cannot be staffed; any problem makes the draw infeasible."""

    candidate_id: int
    rule: str
    detail: str = ""


class Note(NamedTuple):
    candidate_id: int
    rule: str
    inspector_id: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Stratum:
    """One credit class's share of the sample: the summary of the candidates not drawn."""

    credit_class: str
    ratio: Fraction
    population: int
    drawn: int
    unrated: int = 0  # unrated candidates counted in this stratum

    @property
    def not_drawn(self) -> int:
        return self.population - self.drawn

    def summary(self) -> str:
        """E.g. "class D, ratio 50%: 100 of 200 drawn, 100 not drawn"."""
        percent = self.ratio * 100
        ratio = f"{percent.numerator // percent.denominator}%" if percent.denominator == 1 else str(self.ratio)
        unrated = f" (incl. {self.unrated} unrated)" if self.unrated else ""
        return (
            f"class {self.credit_class}{unrated}, ratio {ratio}: {self.drawn} of {self.population} drawn, "
            f"{self.not_drawn} not drawn"
        )


@dataclass(frozen=True)
class Sample:
    targets: list[Candidate]  # sorted by id
    strata: list[Stratum]


@dataclass
class DrawResult:
    targets: list[Assignment] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    strata: list[Stratum] = field(default_factory=list)

    @property
    def feasible(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------------------------------------
# Randomness


@lru_cache(maxsize=4)
def _hmac_states(key: bytes):
    """SHA-256 states after absorbing key⊕ipad and key⊕opad: HMAC (RFC 2104) without re-keying."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


class SeedStream:
    """HMAC-SHA256 in counter mode under one label; see the module docstring."""

    __slots__ = ("_inner", "_outer", "_prefix", "_counter", "pending")

    def __init__(self, seed: bytes, label: str):
        self._inner, self._outer = _hmac_states(bytes(seed))
        self._prefix = label.encode("utf-8")
        self._counter = 0
        self.pending: list[int] = []  # the unread integers of the current block, next one last
        self._refill()  # every stream is used, and the hot loops find block 0 ready

    @classmethod
    def continuing(cls, seed: bytes, label: bytes, pending: list[int]) -> SeedStream:
        """The stream ``label`` after block 0, whose unread integers are ``pending``."""
        stream = cls.__new__(cls)
        stream._inner, stream._outer = _hmac_states(bytes(seed))
        stream._prefix = label
        stream._counter = 1
        stream.pending = pending
        return stream

    def block(self, counter: int) -> bytes:
        """HMAC-SHA256(seed, label || counter as 8 bytes big-endian)."""
        inner = self._inner.copy()
        inner.update(self._prefix + counter.to_bytes(8, "big"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()

    def _refill(self):
        inner = self._inner.copy()
        inner.update(self._prefix + self._counter.to_bytes(8, "big"))
        outer = self._outer.copy()
        outer.update(inner.digest())
        self.pending.extend(reversed(_FOUR_U64.unpack(outer.digest())))  # same as block(counter)
        self._counter += 1

    def next_u64(self) -> int:
        if not self.pending:
            self._refill()
        return self.pending.pop()

    def uniform_int(self, n: int) -> int:
        """A uniform integer in 0..n-1 by rejection on 64-bit integers."""
        if not 1 <= n <= _TWO64:
            raise ValueError(f"uniform_int needs 1 <= n <= 2**64, not {n}")
        limit = _TWO64 - _TWO64 % n
        pending = self.pending
        while True:
            if not pending:
                self._refill()
            x = pending.pop()
            if x < limit:
                return x % n


def new_seed() -> bytes:
    return secrets.token_bytes(32)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def commitment(seed: bytes) -> str:
    """What is published before the draw: the SHA-256 of the secret seed."""
    return sha256_hex(bytes(seed))


# ---------------------------------------------------------------------------------------------
# Step 1: the sample


def sample_size(population: int, ratio: Fraction) -> int:
    """The rounding rule: ceil(population × ratio), exactly."""
    return -(-population * ratio.numerator // ratio.denominator)


def _strata_members(candidates: Iterable[Candidate], rules: DrawRules) -> dict[str, tuple[list[Candidate], int]]:
    """Stratum -> (members, how many of them are unrated)."""
    by_class: dict[str, list[Candidate]] = {cls: [] for cls in rules.ratios}
    by_class.setdefault(UNRATED, [])
    for candidate in candidates:
        try:
            by_class[candidate.credit_class].append(candidate)
        except KeyError:
            raise ValueError(
                f"candidate {candidate.id} has credit class {candidate.credit_class!r}, which has no ratio"
            ) from None
    unrated = by_class.pop(UNRATED)
    strata = {cls: (members, 0) for cls, members in by_class.items()}
    if rules.unrated_as is not None:
        strata[rules.unrated_as] = (strata[rules.unrated_as][0] + unrated, len(unrated))
    elif UNRATED in rules.ratios:
        strata[UNRATED] = (unrated, len(unrated))
    elif unrated:
        raise ValueError("unrated candidates need a ratio of their own when unrated_as is None")
    return strata


def _fisher_yates_prefix(n: int, k: int, stream: SeedStream) -> list[int]:
    """Positions a[0..k-1] after k steps of Fisher–Yates on a = 0..n-1, in ascending order."""
    a = list(range(n))
    uniform_int = stream.uniform_int
    for i in range(k):
        j = i + uniform_int(n - i)
        a[i], a[j] = a[j], a[i]
    del a[k:]
    a.sort()
    return a


def stratified_sample(candidates: Sequence[Candidate], rules: DrawRules, seed: bytes) -> Sample:
    """Step 1 of the draw: the targets, sorted by id, and the per-class summary.

    Candidate ids must be unique; ``candidates_json`` enforces it for every published list,
    here only a candidate drawn twice is caught (a full check would cost a tenth of the draw).
    """
    with _cyclic_gc_paused():
        return _stratified_sample(candidates, rules, bytes(seed))


def _stratified_sample(candidates: Sequence[Candidate], rules: DrawRules, seed: bytes) -> Sample:
    targets: list[Candidate] = []
    strata = []
    for cls, (members, unrated) in sorted(_strata_members(candidates, rules).items()):
        n = len(members)
        if rules.full_coverage:
            ratio, k = Fraction(1), n
            targets += members
        else:
            ratio = rules.ratios[cls]
            k = sample_size(n, ratio)
            if k:
                members.sort(key=_by_id)
                positions = _fisher_yates_prefix(n, k, SeedStream(seed, f"sample:{cls}"))
                targets += [members[p] for p in positions]
        strata.append(Stratum(cls, ratio, n, k, unrated))
    targets.sort(key=_by_id)  # merges the strata, each already in id order
    for a, b in zip(targets, targets[1:]):  # noqa: B905 - adjacent pairs
        if a.id == b.id:
            raise ValueError(f"candidate id {a.id} appears twice")
    return Sample(targets, strata)


# ---------------------------------------------------------------------------------------------
# Step 2: the teams


class _Slot:
    """A kind of team slot and its live pools (qualified inspectors with spare load, ascending id)."""

    __slots__ = ("key", "pool", "local", "qualified", "bit")

    def __init__(self, key: tuple, bit: int = 0):
        self.key = key  # ("department", d), ("specialty", s) or ("plan",)
        self.pool: list[int] = []
        self.local: dict[str, list[int]] = {}  # region -> pool, used with prefer_local
        self.qualified: list[int] = []  # also those at the load cap, to name the problem right
        self.bit = bit  # for a specialty slot

    def __str__(self):
        return " ".join(self.key)  # "department 消防", "specialty fire", "plan"


class _Staffing:
    """Step 2: pools of qualified inspectors, and a team for each target, slot by slot."""

    def __init__(self, inspectors: Iterable[Inspector], conflicts: Iterable[Conflict], rules: DrawRules, seed: bytes):
        self.rules = rules
        self.seed = seed
        self.cap = rules.max_targets_per_inspector
        self.avoid = _conflicts_by_candidate(conflicts)
        self.exclusions: list[Exclusion] = []
        self.notes: list[Note] = []
        self.departments = {d: _Slot(("department", d)) for d in rules.plan_departments}
        self.specialties = {
            s: _Slot(("specialty", s), 1 << n) for n, s in enumerate(sorted(rules.required_specialties))
        }
        self.plan = _Slot(_PLAN)
        self._inner, self._outer = _hmac_states(seed)
        self.masks: dict[int, int] = {}  # inspector -> bits of the required specialties they hold
        self.spare: dict[int, int] = {}
        self._pools_of: dict[int, list[list[int]]] = {}
        self._screen(inspectors)

    def _screen(self, inspectors: Iterable[Inspector]):
        rules, cap = self.rules, self.cap
        previous_id = None
        for person in sorted(inspectors, key=_by_id):
            if person.id == previous_id:
                raise ValueError(f"inspector id {person.id} appears twice")
            previous_id = person.id
            if not person.active:
                self._exclude(person.id, "inactive", "inactive in the inspector library")
                continue
            if person.department not in self.departments:
                detail = f"department {person.department} is not in this plan"
                self._exclude(person.id, "not_in_plan_department", detail)
                continue
            slots = [self.departments[person.department], self.plan]
            slots += [slot for s, slot in self.specialties.items() if s in person.specialties]
            self.masks[person.id] = sum(slot.bit for slot in slots)
            for slot in slots:
                slot.qualified.append(person.id)
            if person.load >= cap:
                self._exclude(person.id, "load_cap", f"current load {person.load} is at the cap of {cap}")
                continue
            self.spare[person.id] = cap - person.load
            pools = [slot.pool for slot in slots]
            if rules.prefer_local:
                pools += [slot.local.setdefault(person.region, []) for slot in slots]
            for pool in pools:
                pool.append(person.id)
            self._pools_of[person.id] = pools

    def _exclude(self, inspector_id: int, rule: str, detail: str, candidate_id: int | None = None):
        self.exclusions.append(Exclusion("inspector", inspector_id, rule, detail, candidate_id))

    def _slots(self, team: list[int]):
        """The slots a-c of the module docstring; b and c depend on the team so far."""
        yield from self.departments.values()
        if self.specialties:
            masks = self.masks
            covered = 0
            for i in team:
                covered |= masks[i]
            for slot in self.specialties.values():
                if not covered & slot.bit:
                    yield slot
                    covered |= masks[team[-1]]
        while len(team) < self.rules.team_size:
            yield self.plan

    def staff(self, candidate: Candidate) -> tuple[int, ...] | Problem:
        """The candidate's team, or the problem that prevents one. Load is counted by ``commit``."""
        # Block 0 of the stream "team:<id>" is computed here, without a SeedStream object: that is
        # a sixth of the draw's time. A SeedStream takes over from block 1 if a slot needs more.
        label = b"team:%d" % candidate.id
        inner = self._inner.copy()
        inner.update(label + _COUNTER_ZERO)
        outer = self._outer.copy()
        outer.update(inner.digest())
        pending = list(_FOUR_U64.unpack(outer.digest()))
        pending.reverse()
        stream = None
        avoid = self.avoid.get(candidate.id, _NOTHING)
        previous = candidate.previous_inspectors
        region = candidate.region if self.rules.prefer_local else None
        notes_before = len(self.notes)
        team: list[int] = []
        for slot in self._slots(team):
            pool = slot.pool if region is None else slot.local.get(region, _EMPTY)
            if pool and pending:
                # The first rejection try of the first tier: uniform_int(len(pool)), inline. It
                # settles almost every slot.
                n = len(pool)
                x = pending.pop()
                if x < _TWO64 - _TWO64 % n:
                    chosen = pool[x % n]
                    if chosen not in team and chosen not in avoid and chosen not in previous:
                        team.append(chosen)
                        continue
                    tried = True
                else:
                    tried = False  # x rejected: the try goes on with the next integer, below
            else:
                tried = False
            stream = stream or SeedStream.continuing(self.seed, label, pending)
            chosen = self._choose(stream, slot, region, candidate, team, avoid, tried)
            if chosen is None:
                del self.notes[notes_before:]
                return self._problem(slot, candidate, team, avoid)
            team.append(chosen)
        return tuple(team)

    def _choose(self, stream: SeedStream, slot: _Slot, region, candidate: Candidate, team, avoid, tried: bool):
        """Go through the tiers of the module docstring; ``tried``: the first try was made already."""
        previous = candidate.previous_inspectors
        tiers = [(slot.pool, False)]
        if region is not None:
            tiers.insert(0, (slot.local.get(region, _EMPTY), False))
        if previous:
            tiers.append((slot.pool, True))
        for pool, want_previous in tiers:
            tries = REJECTION_TRIES - 1 if tried else REJECTION_TRIES
            chosen = _pick(stream, pool, team, avoid, previous, want_previous, tries)
            tried = False
            if chosen is not None:
                if want_previous:
                    detail = f"in this institution's previous draw; nobody else could fill the {slot} slot"
                    self.notes.append(Note(candidate.id, "repeat_inspector", chosen, detail))
                return chosen
        return None

    def _problem(self, slot: _Slot, candidate: Candidate, team, avoid) -> Problem:
        kind, rules = slot.key[0], self.rules
        if kind == "department" and slot.key[1] == rules.lead_department:
            rule, where = "no_lead_department_inspector", f"lead {slot}"
        elif kind == "department":
            rule, where = f"no_department_inspector:{slot.key[1]}", str(slot)
        elif kind == "specialty":
            rule, where = f"specialty_uncovered:{slot.key[1]}", str(slot)
        else:
            rule, where = "team_too_small", f"team of at least {rules.team_size}"
        if any(i not in team and i not in avoid for i in slot.qualified):
            return Problem(candidate.id, "load_cap", f"{where}: all who could go are at the cap of {self.cap}")
        return Problem(candidate.id, rule, f"{where}: no qualified inspector without a conflict is left")

    def commit(self, team: Sequence[int]):
        """Count a complete team's target against each member's load cap."""
        spare = self.spare
        for i in team:
            spare[i] -= 1
            if not spare[i]:
                for pool in self._pools_of[i]:
                    del pool[bisect_left(pool, i)]
                self._exclude(i, "load_cap_reached", f"reached the cap of {self.cap} in this draw")

    def record_conflicts(self, targets: Iterable[Candidate]):
        drawn = {candidate.id for candidate in targets}
        for candidate_id in sorted(self.avoid):
            if candidate_id in drawn:
                for inspector_id in sorted(self.avoid[candidate_id]):
                    detail = f"declared a conflict with target {candidate_id} (回避)"
                    self._exclude(inspector_id, "conflict", detail, candidate_id)


def _pick(stream: SeedStream, pool: list[int], team, avoid, previous, want_previous: bool, tries: int) -> int | None:
    """A uniform choice among the pool's members in the tier, or None: ``tries`` rejection tries, then a list."""
    n = len(pool)
    if not n:
        return None
    uniform_int = stream.uniform_int
    for _ in range(tries):
        i = pool[uniform_int(n)]
        if i not in team and i not in avoid and (i in previous) is want_previous:
            return i
    tier = [i for i in pool if i not in team and i not in avoid and (i in previous) is want_previous]
    if not tier:
        return None
    return tier[uniform_int(len(tier))]


def _conflicts_by_candidate(conflicts: Iterable[Conflict]) -> dict[int, frozenset[int]]:
    grouped: dict[int, set[int]] = {}
    for conflict in conflicts:
        grouped.setdefault(conflict.candidate_id, set()).add(conflict.inspector_id)
    return {cid: frozenset(ids) for cid, ids in grouped.items()}


def draw(
    candidates: Sequence[Candidate],
    inspectors: Iterable[Inspector],
    conflicts: Iterable[Conflict],
    rules: DrawRules,
    seed: bytes,
) -> DrawResult:
    """The whole draw: targets (step 1), then a team for each in id order (step 2)."""
    with _cyclic_gc_paused():
        return _draw(candidates, inspectors, conflicts, rules, bytes(seed))


@contextmanager
def _cyclic_gc_paused():
    """The draw makes a million short-lived objects and no reference cycles. Left on, the cycle
    collector would walk the caller's million candidates for nothing (0.6 s, a third of the draw)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _draw(candidates, inspectors, conflicts, rules: DrawRules, seed: bytes) -> DrawResult:
    sample = stratified_sample(candidates, rules, seed)
    staffing = _Staffing(inspectors, conflicts, rules, seed)
    result = DrawResult(strata=sample.strata)
    for candidate in sample.targets:
        team = staffing.staff(candidate)
        if isinstance(team, Problem):
            result.problems.append(team)
        else:
            staffing.commit(team)
            result.targets.append(Assignment(candidate.id, team))
    staffing.record_conflicts(sample.targets)
    result.exclusions = sorted(staffing.exclusions, key=_exclusion_order)
    result.notes = staffing.notes
    if result.problems:  # infeasible: no teams are published; the exclusions help explain why
        result.targets, result.notes = [], []
    return result


def _exclusion_order(e: Exclusion):
    return (e.subject, e.id, e.rule, e.candidate_id is not None, e.candidate_id or 0)


# ---------------------------------------------------------------------------------------------
# Canonical form, publication and verification


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the bytes that are hashed and offered for download."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _ratio_text(r: Fraction) -> str:
    return f"{r.numerator}/{r.denominator}"


def _sorted_by_unique_id(items: Iterable, what: str) -> list:
    ordered = sorted(items, key=_by_id)
    for a, b in zip(ordered, ordered[1:]):  # noqa: B905 - adjacent pairs
        if a.id == b.id:
            raise ValueError(f"{what} id {a.id} appears twice")
    return ordered


def candidates_json(candidates: Iterable[Candidate]) -> list[dict]:
    return [
        {
            "id": c.id,
            "credit_code": c.credit_code,
            "name": c.name,
            "region": c.region,
            "kind": c.kind,
            "credit_class": c.credit_class,
            "credit_graded_on": c.credit_graded_on,
            "previous_inspectors": sorted(c.previous_inspectors),
        }
        for c in _sorted_by_unique_id(candidates, "candidate")
    ]


def inspectors_json(inspectors: Iterable[Inspector]) -> list[dict]:
    return [
        {
            "id": i.id,
            "name": i.name,
            "own_department": i.own_department,
            "department": i.department,
            "region": i.region,
            "specialties": sorted(i.specialties),
            "load": i.load,
            "active": i.active,
        }
        for i in _sorted_by_unique_id(inspectors, "inspector")
    ]


def conflict_salt(conflict_key: bytes, candidate_id: int, inspector_id: int) -> str:
    """The pair's salt (32 hex digits): HMAC-SHA256 under a key that is never published."""
    message = b"conflict:%d:%d" % (candidate_id, inspector_id)
    return hmac.new(bytes(conflict_key), message, hashlib.sha256).hexdigest()[:32]


def conflict_pair_sha256(candidate_id: int, inspector_id: int, salt: str) -> str:
    """What the inputs commit to for one declared conflict: SHA-256 of the pair with its salt."""
    return sha256_hex(canonical_json({"candidate_id": candidate_id, "inspector_id": inspector_id, "salt": salt}))


def _conflict_pairs(conflicts: Iterable[Conflict]) -> list[tuple[int, int]]:
    return sorted({(c.candidate_id, c.inspector_id) for c in conflicts})


def conflicts_json(conflicts: Iterable[Conflict], conflict_key: bytes) -> list[dict]:
    """The committed conflict list: per pair the candidate and a salted hash hiding the inspector.
    Sorted by (candidate, hash), so the order says nothing about the inspector."""
    pairs = _conflict_pairs(conflicts)
    if pairs and len(bytes(conflict_key)) < 16:
        raise ValueError("the conflict list needs a secret key of at least 16 random bytes")
    rows = [
        {"candidate_id": cid, "pair_sha256": conflict_pair_sha256(cid, iid, conflict_salt(conflict_key, cid, iid))}
        for cid, iid in pairs
    ]
    rows.sort(key=lambda r: (r["candidate_id"], r["pair_sha256"]))
    return rows


def revealed_conflicts(conflicts: Iterable[Conflict], conflict_key: bytes, candidate_ids) -> list[dict]:
    """The pairs of the sampled candidates, with their salts: all the re-run needs (the draw never
    looks at a conflict of a candidate it did not sample). Never a reason."""
    wanted = set(candidate_ids)
    return [
        {"candidate_id": cid, "inspector_id": iid, "salt": conflict_salt(conflict_key, cid, iid)}
        for cid, iid in _conflict_pairs(conflicts) if cid in wanted
    ]


def rules_json(rules: DrawRules) -> dict:
    return {
        "ratios": {cls: _ratio_text(r) for cls, r in rules.ratios.items()},
        "unrated_as": rules.unrated_as,
        "full_coverage": rules.full_coverage,
        "team_size": rules.team_size,
        "lead_department": rules.lead_department,
        "participating_departments": list(rules.participating_departments),
        "required_specialties": sorted(rules.required_specialties),
        "max_targets_per_inspector": rules.max_targets_per_inspector,
        "prefer_local": rules.prefer_local,
        "scope": {
            "region_code": rules.scope_region_code,
            "region_name": rules.scope_region_name,
            "institution_kinds": list(rules.institution_kinds),
            "operating_status": rules.operating_status,
        },
    }


def chain_json(previous: Mapping[str, Any] | None = None, same_rules_as_previous: bool | None = None) -> dict:
    """The link to the plan's previous draw, committed with this draw's inputs.

    ``previous``: {"number", "commitment", "seed" (hex, revealed), "outcome" ("superseded" or
    "infeasible"), "ground" (a re-draw's ground, else ""), "reason" (text, else "")}.
    ``same_rules_as_previous``: the rules part is unchanged since that draw (a resubmission that
    changed nothing that matters to the draw).
    """
    link = None
    if previous is not None:
        link = {key: previous[key] for key in ("number", "commitment", "seed", "outcome", "ground", "reason")}
    return {"previous": link, "same_rules_as_previous": same_rules_as_previous}


INPUT_PARTS = ("candidates", "inspectors", "conflicts", "rules", "chain")


def inputs_json(candidates, inspectors, conflicts, rules: DrawRules, conflict_key: bytes = b"", chain=None) -> dict:
    return {
        "candidates": candidates_json(candidates),
        "inspectors": inspectors_json(inspectors),
        "conflicts": conflicts_json(conflicts, conflict_key),
        "rules": rules_json(rules),
        "chain": chain if chain is not None else chain_json(),
    }


def canonical_inputs(candidates, inspectors, conflicts, rules: DrawRules, conflict_key: bytes = b"",
                     chain=None) -> bytes:
    """All five input parts as one canonical JSON document; its SHA-256 is published with the
    commitment (``inputs_sha256``)."""
    return canonical_json(inputs_json(candidates, inspectors, conflicts, rules, conflict_key, chain))


def input_hashes(inputs: Mapping[str, Any]) -> dict[str, str]:
    """The SHA-256 of each input part's canonical JSON (what a downloader can hash themselves)."""
    return {part: sha256_hex(canonical_json(value)) for part, value in inputs.items()}


def result_json(result: DrawResult, details: bool = True) -> dict:
    """The result as published; ``details`` adds the explanatory texts, which the hash leaves out."""

    def row(d: dict, detail: str) -> dict:
        if details:
            d["detail"] = detail
        return d

    return {
        "feasible": result.feasible,
        "targets": [{"candidate_id": a.candidate_id, "team": list(a.team)} for a in result.targets],
        "problems": [row({"candidate_id": p.candidate_id, "rule": p.rule}, p.detail) for p in result.problems],
        "exclusions": [
            row({"subject": e.subject, "id": e.id, "rule": e.rule, "candidate_id": e.candidate_id}, e.detail)
            for e in result.exclusions
        ],
        "notes": [
            row({"candidate_id": n.candidate_id, "rule": n.rule, "inspector_id": n.inspector_id}, n.detail)
            for n in result.notes
        ],
        "strata": [
            {
                "credit_class": s.credit_class,
                "ratio": _ratio_text(s.ratio),
                "population": s.population,
                "unrated": s.unrated,
                "drawn": s.drawn,
            }
            for s in result.strata
        ],
    }


def _without_details(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_details(v) for k, v in value.items() if k != "detail"}
    if isinstance(value, list):
        return [_without_details(v) for v in value]
    return value


def _digest_of_result_json(value: Mapping[str, Any]) -> str:
    return sha256_hex(canonical_json(_without_details(value)))


def result_digest(result: DrawResult) -> str:
    """SHA-256 of the result's decisions (targets, teams, exclusions, problems, notes, strata)."""
    return _digest_of_result_json(result_json(result, details=False))


def published_record(inputs: Mapping[str, Any], seed: bytes, conflicts: Iterable[Conflict], conflict_key: bytes,
                     result: DrawResult | None = None) -> dict:
    """The record of a draw (一公开) from its frozen inputs (as committed), the seed, and the full
    conflict list with its key (both private). Feasible or not, a drawn draw is published."""
    seed, conflicts = bytes(seed), list(conflicts)
    if len(seed) < 16:
        raise ValueError("a published draw needs a seed of at least 16 random bytes (new_seed() gives 32)")
    frozen = load_inputs(inputs)
    if conflicts_json(conflicts, conflict_key) != inputs["conflicts"]:
        raise ValueError("the conflicts do not match the committed conflict list")
    if result is None:
        result = draw(frozen.candidates, frozen.inspectors, conflicts, frozen.rules, seed)
    sampled = [c.id for c in stratified_sample(frozen.candidates, frozen.rules, seed).targets]
    return {
        "format": RECORD_FORMAT,
        "method": METHOD,
        "commitment": commitment(seed),
        "seed": seed.hex(),
        "inputs": dict(inputs),
        "inputs_sha256": sha256_hex(canonical_json(inputs)),
        "input_sha256": input_hashes(inputs),
        "conflicts_revealed": revealed_conflicts(conflicts, conflict_key, sampled),
        "result": result_json(result),
        "result_sha256": result_digest(result),
    }


def dump_published_record(candidates, inspectors, conflicts, rules: DrawRules, seed: bytes, result=None, *,
                          conflict_key: bytes | None = None, chain=None) -> dict:
    """Everything needed to re-run and check the draw, as JSON-ready data (一公开).

    ``conflict_key`` (secret, at least 16 bytes) salts the committed conflict list; a fresh one is
    made when none is given. Write the record with ``write_record``; ``verify_file`` reads it back.
    """
    conflicts = list(conflicts)
    if len(bytes(seed)) < 16:
        raise ValueError("a published draw needs a seed of at least 16 random bytes (new_seed() gives 32)")
    key = new_seed() if conflict_key is None else conflict_key
    inputs = inputs_json(candidates, inspectors, conflicts, rules, key, chain)
    return published_record(inputs, seed, conflicts, key, result)


# --- reading a record: every field checked, so a malformed file is a failed check, not a crash


class RecordError(ValueError):
    """A record or inputs file that is not what ``published_record`` writes."""


def _typed(value, kind, where: str):
    if kind is int:
        ok = type(value) is int
    elif kind is bool:
        ok = type(value) is bool
    else:
        ok = isinstance(value, kind)
    if not ok:
        name = {int: "an integer", bool: "true or false", str: "a string", list: "a list", dict: "an object"}[kind]
        raise RecordError(f"{where} must be {name}, not {json.dumps(value, ensure_ascii=False)[:60]}")
    return value


def _fields(obj, where: str, **kinds) -> dict:
    _typed(obj, dict, where)
    out = {}
    for key, kind in kinds.items():
        if key not in obj:
            raise RecordError(f"{where} has no {key!r}")
        value = obj[key]
        if isinstance(kind, tuple):  # (kind, None): may be null
            out[key] = None if value is None else _typed(value, kind[0], f"{where}.{key}")
        else:
            out[key] = _typed(value, kind, f"{where}.{key}")
    return out


def _int_list(value, where: str) -> list[int]:
    return [_typed(v, int, f"{where}[{n}]") for n, v in enumerate(_typed(value, list, where))]


def _str_list(value, where: str) -> list[str]:
    return [_typed(v, str, f"{where}[{n}]") for n, v in enumerate(_typed(value, list, where))]


_RATIO = re.compile(r"\A(0|[1-9][0-9]*)/([1-9][0-9]*)\Z")
_HEX64 = re.compile(r"\A[0-9a-f]{64}\Z")


def _ratio(text, where: str) -> Fraction:
    match = _RATIO.match(_typed(text, str, where))
    if not match:
        raise RecordError(f"{where} must be a fraction like \"3/20\", not {text!r}")
    return Fraction(int(match[1]), int(match[2]))


def _hex64(value, where: str) -> str:
    if not _HEX64.match(_typed(value, str, where)):
        raise RecordError(f"{where} must be 64 lowercase hex digits")
    return value


@dataclass(frozen=True)
class Inputs:
    """The frozen inputs read back: what the draw runs on, as a citizen downloads them."""

    candidates: list[Candidate]
    inspectors: list[Inspector]
    committed_conflicts: list[dict]  # {"candidate_id", "pair_sha256"}
    rules: DrawRules
    chain: dict


def load_inputs(inputs: Mapping[str, Any]) -> Inputs:
    """Read the inputs part of a record (or a downloaded inputs file), checking every type."""
    parts = _fields(inputs, "inputs", candidates=list, inspectors=list, conflicts=list, rules=dict, chain=dict)
    if set(inputs) != set(INPUT_PARTS):
        raise RecordError(f"inputs must have exactly the parts {', '.join(INPUT_PARTS)}")
    candidates = []
    for n, row in enumerate(parts["candidates"]):
        c = _fields(row, f"candidates[{n}]", id=int, credit_code=str, name=str, region=str, kind=str,
                    credit_class=str, previous_inspectors=list)
        previous = _int_list(c["previous_inspectors"], f"candidates[{n}].previous_inspectors")
        graded_on = row.get("credit_graded_on", "")  # absent from records made before grades existed
        _typed(graded_on, str, f"candidates[{n}].credit_graded_on")
        candidates.append(Candidate(c["id"], c["region"], c["kind"], c["credit_class"], tuple(previous),
                                    c["name"], c["credit_code"], graded_on))
    inspectors = []
    for n, row in enumerate(parts["inspectors"]):
        i = _fields(row, f"inspectors[{n}]", id=int, name=str, own_department=str, department=str, region=str,
                    specialties=list, load=int, active=bool)
        specialties = frozenset(_str_list(i["specialties"], f"inspectors[{n}].specialties"))
        inspectors.append(Inspector(i["id"], i["department"], i["region"], specialties, i["load"], i["active"],
                                    i["name"], i["own_department"]))
    committed = []
    for n, row in enumerate(parts["conflicts"]):
        c = _fields(row, f"conflicts[{n}]", candidate_id=int, pair_sha256=str)
        committed.append({"candidate_id": c["candidate_id"], "pair_sha256": _hex64(c["pair_sha256"],
                                                                                     f"conflicts[{n}].pair_sha256")})
    r = _fields(parts["rules"], "rules", ratios=dict, unrated_as=(str, None), full_coverage=bool, team_size=int,
                lead_department=str, participating_departments=list, required_specialties=list,
                max_targets_per_inspector=int, prefer_local=bool, scope=dict)
    scope = _fields(r["scope"], "rules.scope", region_code=str, region_name=str, institution_kinds=list,
                    operating_status=str)
    try:
        rules = DrawRules(
            ratios={_typed(cls, str, "rules.ratios"): _ratio(text, f"rules.ratios.{cls}")
                    for cls, text in r["ratios"].items()},
            unrated_as=r["unrated_as"],
            full_coverage=r["full_coverage"],
            team_size=r["team_size"],
            lead_department=r["lead_department"],
            participating_departments=tuple(
                _str_list(r["participating_departments"], "rules.participating_departments")
            ),
            required_specialties=frozenset(_str_list(r["required_specialties"], "rules.required_specialties")),
            max_targets_per_inspector=r["max_targets_per_inspector"],
            prefer_local=r["prefer_local"],
            scope_region_code=scope["region_code"],
            scope_region_name=scope["region_name"],
            institution_kinds=tuple(_str_list(scope["institution_kinds"], "rules.scope.institution_kinds")),
            operating_status=scope["operating_status"],
        )
    except RecordError:
        raise
    except ValueError as error:  # DrawRules' own checks (a ratio above 1, a team of one...)
        raise RecordError(f"rules: {error}") from None
    chain = _fields(parts["chain"], "chain", previous=(dict, None), same_rules_as_previous=(bool, None))
    if chain["previous"] is not None:
        p = _fields(chain["previous"], "chain.previous", number=int, commitment=str, seed=str, outcome=str,
                    ground=str, reason=str)
        _hex64(p["commitment"], "chain.previous.commitment")
        _seed(p["seed"], "chain.previous.seed")
    return Inputs(candidates, inspectors, committed, rules, dict(parts["chain"]))


def _seed(text, where: str) -> bytes:
    try:
        seed = bytes.fromhex(_typed(text, str, where))
    except ValueError:
        raise RecordError(f"{where} must be hex digits") from None
    if len(seed) < 16:
        raise RecordError(f"{where} must be at least 16 bytes")
    return seed


@dataclass(frozen=True)
class PublishedRecord:
    commitment: str
    seed: bytes
    inputs: dict  # as published, for hashing
    frozen: Inputs
    inputs_sha256: str
    input_sha256: dict[str, str]
    conflicts: list[Conflict]  # the revealed pairs, each checked against the committed list by verify
    revealed: list[dict]
    result: dict  # as published
    result_sha256: str


def load_published_record(record: Any) -> PublishedRecord:
    """Read a record written by ``published_record`` (after ``json.load``); RecordError if malformed."""
    _typed(record, dict, "the record")
    if record.get("format") != RECORD_FORMAT or record.get("method") != METHOD:
        raise RecordError(f"unknown record format {record.get('format')!r} / method {record.get('method')!r}")
    r = _fields(record, "record", commitment=str, seed=str, inputs=dict, inputs_sha256=str, input_sha256=dict,
                conflicts_revealed=list, result=dict, result_sha256=str)
    revealed = []
    for n, row in enumerate(r["conflicts_revealed"]):
        c = _fields(row, f"conflicts_revealed[{n}]", candidate_id=int, inspector_id=int, salt=str)
        revealed.append({"candidate_id": c["candidate_id"], "inspector_id": c["inspector_id"], "salt": c["salt"]})
    result = _fields(r["result"], "result", feasible=bool, targets=list, problems=list, exclusions=list, notes=list,
                     strata=list)
    for n, row in enumerate(result["targets"]):
        t = _fields(row, f"result.targets[{n}]", candidate_id=int, team=list)
        _int_list(t["team"], f"result.targets[{n}].team")
    return PublishedRecord(
        commitment=r["commitment"],
        seed=_seed(r["seed"], "seed"),
        inputs=r["inputs"],
        frozen=load_inputs(r["inputs"]),
        inputs_sha256=r["inputs_sha256"],
        input_sha256={str(k): v for k, v in r["input_sha256"].items()},
        conflicts=[Conflict(c["inspector_id"], c["candidate_id"]) for c in revealed],
        revealed=revealed,
        result=r["result"],
        result_sha256=r["result_sha256"],
    )


@dataclass(frozen=True)
class Check:
    name: str  # "commitment", "input:candidates", "result_hash", "result", ...
    ok: bool
    detail: str = ""


# What each check is called, in Chinese and English: for this script, manage.py verify_draw and the
# public verify page alike.
CHECK_LABELS = {
    "format": "记录格式 Record format",
    "commitment": "种子承诺 Seed commitment: sha256(seed)",
    "announced_commitment": "公示的种子承诺 Commitment as announced before the draw",
    "inputs": "输入名单摘要 Hash of all frozen inputs",
    "announced_inputs": "公示的输入摘要 Inputs hash as announced before the draw",
    "input:candidates": "检查对象名单 Candidate list hash",
    "input:inspectors": "检查人员名单 Inspector list hash",
    "input:conflicts": "回避关系 Conflict list hash",
    "input:rules": "抽取规则 Rules hash",
    "input:chain": "前次抽取 Link to the previous draw: hash",
    "scope": "抽查范围 Candidates within the plan's scope",
    "chain": "前次抽取 Previous draw's seed matches its commitment",
    "conflicts": "回避关系 Revealed conflicts belong to the committed list",
    "stored": "数据库记录 Stored targets equal the published record",
    "result_hash": "结果摘要 Result hash",
    "result": "重新抽取 Re-run of the draw",
}


def check_label(name: str) -> str:
    return CHECK_LABELS.get(name, name)


@dataclass(frozen=True)
class VerificationReport:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def __str__(self) -> str:
        lines = [f"{'ok  ' if c.ok else 'FAIL'} {c.name}: {c.detail}" for c in self.checks]
        lines.append("verified" if self.ok else "NOT verified")
        return "\n".join(lines)


def _first_difference(published: Mapping[str, Any], rerun: Mapping[str, Any]) -> str:
    published, rerun = _without_details(published), _without_details(rerun)
    for part in ("targets", "problems", "exclusions", "notes", "strata", "feasible"):
        a, b = published.get(part), rerun.get(part)
        if a == b:
            continue
        if isinstance(a, list) and isinstance(b, list):
            for index, (x, y) in enumerate(zip(a, b)):  # noqa: B905 - lengths compared below
                if x != y:
                    x, y = json.dumps(x, ensure_ascii=False), json.dumps(y, ensure_ascii=False)
                    return f"{part}[{index}]: published {x}, re-run gives {y}"
            return f"{part}: published {len(a)} rows, re-run gives {len(b)}"
        return f"{part}: published {a!r}, re-run gives {b!r}"
    return "the results differ"


def _hash_check(name: str, computed: str, published: str | None, what: str) -> Check:
    ok = computed == published
    return Check(name, ok, computed + ("" if ok else f" ({what} {published})"))


def _scope_check(frozen: Inputs) -> Check:
    kinds = set(frozen.rules.institution_kinds)
    if not kinds:
        return Check("scope", True, "no institution kinds stated")
    outside = [c.id for c in frozen.candidates if c.kind not in kinds]
    if outside:
        return Check("scope", False, f"candidates {outside[:5]} are not of the kinds {sorted(kinds)}")
    return Check("scope", True, f"every candidate is of the kinds {sorted(kinds)}")


def _chain_check(chain: Mapping[str, Any]) -> Check:
    previous = chain.get("previous")
    if previous is None:
        return Check("chain", True, "the plan's first draw")
    seed_hash = commitment(bytes.fromhex(previous["seed"]))
    ok = seed_hash == previous["commitment"]
    detail = (f"draw no. {previous['number']} ({previous['outcome']}): sha256(seed) = {seed_hash}"
              + ("" if ok else f", but its commitment was {previous['commitment']}"))
    return Check("chain", ok, detail)


def _conflicts_check(record: PublishedRecord, sampled: set[int]) -> Check:
    committed = {(c["candidate_id"], c["pair_sha256"]) for c in record.frozen.committed_conflicts}
    shown = set()
    for c in record.revealed:
        key = (c["candidate_id"], conflict_pair_sha256(c["candidate_id"], c["inspector_id"], c["salt"]))
        if key not in committed:
            return Check("conflicts", False, f"the pair {c['inspector_id']}–{c['candidate_id']} was not committed")
        shown.add(key)
    hidden = [cid for cid, digest in committed if cid in sampled and (cid, digest) not in shown]
    if hidden:
        targets = sorted(set(hidden))[:5]
        return Check("conflicts", False, f"committed conflicts of drawn targets {targets} are not revealed")
    return Check("conflicts", True, f"{len(shown)} pairs of drawn targets revealed, of {len(committed)} committed")


def verify(published: Any, *, commitment_hex: str | None = None, inputs_sha256: str | None = None,
           ) -> VerificationReport:
    """Check the commitment, the input hashes and the result, by re-running the draw.

    ``commitment_hex`` and ``inputs_sha256``: the values announced before the draw, if the
    verifier noted them. Any fault in the record is a failed check, never an exception.
    """
    try:
        return _verify(published, commitment_hex, inputs_sha256)
    except RecordError as error:
        return VerificationReport([Check("format", False, f"the record cannot be read: {error}")])
    except Exception as error:  # noqa: BLE001 - a malformed file must give a failed check, not a crash
        return VerificationReport([Check("format", False, f"the record cannot be read: {error!r}")])


def _verify(published, commitment_hex, inputs_sha256) -> VerificationReport:
    record = load_published_record(published)
    checks = [Check("format", True, f"{RECORD_FORMAT}, method {METHOD}")]
    seed_hash = commitment(record.seed)
    kept = seed_hash == record.commitment
    detail = f"sha256(seed) = {seed_hash}" + ("" if kept else f", but the commitment was {record.commitment}")
    checks.append(Check("commitment", kept, detail))
    if commitment_hex is not None:
        checks.append(_hash_check("announced_commitment", record.commitment, commitment_hex.lower(), "announced"))
    whole = sha256_hex(canonical_json(record.inputs))
    checks.append(_hash_check("inputs", whole, record.inputs_sha256, "published"))
    if inputs_sha256 is not None:
        checks.append(_hash_check("announced_inputs", whole, inputs_sha256.lower(), "announced"))
    recomputed = input_hashes(record.inputs)
    for part in INPUT_PARTS:
        checks.append(_hash_check(f"input:{part}", recomputed[part], record.input_sha256.get(part), "published"))
    frozen = record.frozen
    checks.append(_scope_check(frozen))
    checks.append(_chain_check(frozen.chain))
    published_digest = _digest_of_result_json(record.result)
    checks.append(
        Check("result_hash", published_digest == record.result_sha256,
              "the published result matches its published hash" if published_digest == record.result_sha256
              else f"the published result hashes to {published_digest}, not {record.result_sha256}")
    )
    try:
        sampled = {c.id for c in stratified_sample(frozen.candidates, frozen.rules, record.seed).targets}
        rerun = draw(frozen.candidates, frozen.inspectors, record.conflicts, frozen.rules, record.seed)
    except ValueError as error:
        checks.append(Check("result", False, f"the published inputs cannot be drawn from: {error}"))
        return VerificationReport(checks)
    checks.insert(-1, _conflicts_check(record, sampled))
    same = result_digest(rerun) == record.result_sha256 and published_digest == record.result_sha256
    detail = "re-running the draw gives the published result"
    if not same:
        detail = _first_difference(record.result, result_json(rerun))
    checks.append(Check("result", same, detail))
    return VerificationReport(checks)


def write_record(record: Mapping[str, Any], path: str | Path) -> None:
    Path(path).write_bytes(canonical_json(record))


def verify_file(path: str | Path, *, commitment_hex: str | None = None,
                inputs_sha256: str | None = None) -> VerificationReport:
    """What ``python engine.py FILE`` and ``manage.py verify_draw FILE`` call."""
    try:
        with open(path, encoding="utf-8") as f:
            published = json.load(f)
    except (OSError, ValueError) as error:
        return VerificationReport([Check("format", False, f"the file cannot be read as JSON: {error}")])
    return verify(published, commitment_hex=commitment_hex, inputs_sha256=inputs_sha256)


# ---------------------------------------------------------------------------------------------
# Standalone: python engine.py draw-N-record.json [--commitment HEX] [--inputs-sha256 HEX]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="engine.py",
        description="Verify a published double-random draw record (Python 3.10+, standard library only).",
    )
    parser.add_argument("record", help="the draw record file (draw-N-record.json)")
    parser.add_argument("--commitment", help="the seed commitment you noted before the draw")
    parser.add_argument("--inputs-sha256", help="the frozen inputs' SHA-256 you noted before the draw")
    args = parser.parse_args(argv)
    report = verify_file(args.record, commitment_hex=args.commitment, inputs_sha256=args.inputs_sha256)
    for check in report.checks:
        print(f"{'通过 OK  ' if check.ok else '不符 FAIL'} {check_label(check.name)}: {check.detail}")
    print("核验通过 Verified" if report.ok else "核验未通过 NOT verified")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
