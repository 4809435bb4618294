"""How long the 双随机 draw takes at provincial scale, and how much memory it needs.

    .venv/bin/python benchmarks/bench_draw.py [--local] [--shuffled]

1,000,000 candidates (classes A-D and unrated in equal shares; in id order, as
``order_by("id")`` returns them, or with --shuffled in random order, which adds the sort),
50,000 inspectors in 5 departments, 20,000 declared conflicts, a joint plan of 3 departments
with team size 3 and two required specialties, default ratios. Generating the inputs is not
timed. The full draw (sample and teams) is timed against a bare stratified sample of the same
candidates. Exits 1 when the draw takes more than 2 s or the process more than 2 GB.
"""

import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from supervision.sampling.engine import (  # noqa: E402
    Candidate,
    Conflict,
    DrawRules,
    Inspector,
    draw,
    stratified_sample,
)

CANDIDATES = 1_000_000
INSPECTORS = 50_000
CONFLICTS = 20_000
DEPARTMENTS = ["民政", "消防", "市场监管", "卫生健康", "住房城乡建设"]
SPECIALTIES = ["fire", "food", "medical", "building", "finance"]
REGIONS = [f"4401{n:02d}" for n in range(1, 101)]
KINDS = ["public", "private", "public-private", "community"]
CLASSES = ["A", "B", "C", "D", "unrated"]
TIME_LIMIT_S = 2.0
MEMORY_LIMIT_MB = 2048
RUNS = 3


def generate(rng: random.Random, shuffled: bool = False):
    inspectors = []
    for n in range(1, INSPECTORS + 1):
        department = DEPARTMENTS[n % len(DEPARTMENTS)]
        specialties = set(rng.sample(SPECIALTIES, rng.randint(1, 2)))
        if department == "消防":
            specialties.add("fire")
        inspectors.append(
            Inspector(
                id=n,
                department=department,
                region=rng.choice(REGIONS),
                specialties=frozenset(specialties),
                load=rng.randint(0, 10),
                active=rng.random() > 0.02,
            )
        )
    ids = list(range(1, CANDIDATES + 1))
    if shuffled:
        rng.shuffle(ids)
    candidates = [
        Candidate(
            id=cid,
            region=rng.choice(REGIONS),
            kind=rng.choice(KINDS),
            credit_class=CLASSES[cid % len(CLASSES)],
            previous_inspectors=tuple(rng.sample(range(1, INSPECTORS + 1), 3)) if rng.random() < 0.7 else (),
        )
        for cid in ids
    ]
    conflicts = [
        Conflict(inspector_id=rng.randint(1, INSPECTORS), candidate_id=rng.randint(1, CANDIDATES))
        for _ in range(CONFLICTS)
    ]
    return candidates, inspectors, conflicts


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def timed(fn, runs=RUNS):
    """Wall-clock times of ``runs`` calls, their median CPU time, and the last value."""
    times, cpu_times, value = [], [], None
    for _ in range(runs):
        start, cpu_start = time.perf_counter(), time.process_time()
        value = fn()
        times.append(time.perf_counter() - start)
        cpu_times.append(time.process_time() - cpu_start)
    return times, statistics.median(cpu_times), value


def main() -> int:
    local, shuffled = "--local" in sys.argv, "--shuffled" in sys.argv
    rng = random.Random(20250101)
    start = time.perf_counter()
    candidates, inspectors, conflicts = generate(rng, shuffled)
    generated_s = time.perf_counter() - start
    rules = DrawRules(
        lead_department="民政",
        participating_departments=("民政", "消防", "市场监管"),
        team_size=3,
        required_specialties=frozenset({"fire", "food"}),
        max_targets_per_inspector=40,
        prefer_local=local,
    )
    seed = bytes(range(32))
    rss_inputs = maxrss_mb()

    sample_times, sample_cpu, sample = timed(lambda: stratified_sample(candidates, rules, seed))
    draw_times, draw_cpu, result = timed(lambda: draw(candidates, inspectors, conflicts, rules, seed))
    rss_peak = maxrss_mb()

    reference = statistics.median(sample_times)
    full = statistics.median(draw_times)
    sizes = [len(a.team) for a in result.targets]
    print(f"inputs: {len(candidates):,} candidates, {len(inspectors):,} inspectors, {len(conflicts):,} conflicts "
          f"(generated in {generated_s:.1f} s, not timed); prefer_local={local}, shuffled={shuffled}")
    print(f"targets drawn: {len(sample.targets):,}; teams: {len(result.targets):,}, "
          f"mean size {statistics.mean(sizes):.2f}; problems: {len(result.problems)}; "
          f"exclusions: {len(result.exclusions):,}; notes: {len(result.notes)}")
    print("strata: " + "; ".join(s.summary() for s in result.strata))
    print(f"full draw:        {full:.3f} s (median of {RUNS}: {', '.join(f'{t:.3f}' for t in draw_times)}; "
          f"CPU {draw_cpu:.3f} s)")
    print(f"reference sample: {reference:.3f} s (median of {RUNS}: {', '.join(f'{t:.3f}' for t in sample_times)}; "
          f"CPU {sample_cpu:.3f} s)")
    print(f"ratio draw/sample: {full / reference:.2f}")
    print(f"peak memory (maxrss): {rss_peak:.0f} MB total, {rss_inputs:.0f} MB after generating inputs, "
          f"{rss_peak - rss_inputs:.0f} MB added by sampling and drawing")
    over = []
    if full > TIME_LIMIT_S:
        over.append(f"draw {full:.3f} s > {TIME_LIMIT_S} s")
    if rss_peak > MEMORY_LIMIT_MB:
        over.append(f"memory {rss_peak:.0f} MB > {MEMORY_LIMIT_MB} MB")
    if not result.feasible:
        over.append("the benchmark draw was infeasible")
    if over:
        print("OVER TARGET: " + "; ".join(over))
        return 1
    print("within target (2 s, 2 GB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
