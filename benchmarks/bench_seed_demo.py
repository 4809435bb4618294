"""How fast `manage.py seed_demo` loads the demo city, and how fast a second run changes nothing.

Run: .venv/bin/python benchmarks/bench_seed_demo.py
Uses throw-away SQLite databases in a temporary directory (DATABASE_URL), so it never touches the
development database. The reference, measured in the same run on a database of its own: the city
alone (regions, departments, institutions, officials, accounts; supervision.demo.city.seed), the
bulk load every other part of the demo builds on. Targets: the first load ≤ 10 s and a rerun ≤ 10 s
(a newcomer's `make demo` waits for both). Prints the figures and the ratios; exits non-zero when a
target is missed.
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

FIRST_LOAD_LIMIT_S = 10.0
RERUN_LIMIT_S = 10.0

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-seed-demo-"))
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "supervision.settings"
os.environ["DEBUG"] = "1"
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'migrated.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ["VAR_DIR"] = str(WORKDIR)
os.environ.setdefault("LOG_LEVEL", "WARNING")


def use_copy_of_migrated(name: str) -> None:
    """Point the default connection at a fresh copy of the migrated database."""
    from django.db import connection

    connection.close()
    target = WORKDIR / name
    shutil.copyfile(WORKDIR / "migrated.sqlite3", target)
    connection.settings_dict["NAME"] = str(target)


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> int:
    import io

    import django

    django.setup()
    from django.core.management import call_command

    from supervision.core.audit import acting_as
    from supervision.demo import city

    call_command("migrate", verbosity=0)

    use_copy_of_migrated("reference.sqlite3")
    with acting_as("bench"):
        reference = timed(city.seed)

    use_copy_of_migrated("demo.sqlite3")
    first = timed(lambda: call_command("seed_demo", stdout=io.StringIO()))
    rerun = timed(lambda: call_command("seed_demo", stdout=io.StringIO()))

    print("seed_demo on SQLite")
    print(f"  reference (the city alone):  {reference:6.2f} s")
    print(f"  first load:                  {first:6.2f} s   ratio {first / reference:5.2f}   (target ≤ {FIRST_LOAD_LIMIT_S} s)")
    print(f"  rerun (nothing changes):     {rerun:6.2f} s   ratio {rerun / reference:5.2f}   (target ≤ {RERUN_LIMIT_S} s)")
    failed = []
    if first > FIRST_LOAD_LIMIT_S:
        failed.append(f"first load {first:.2f} s over {FIRST_LOAD_LIMIT_S} s")
    if rerun > RERUN_LIMIT_S:
        failed.append(f"rerun {rerun:.2f} s over {RERUN_LIMIT_S} s")
    for line in failed:
        print(f"MISSED: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
