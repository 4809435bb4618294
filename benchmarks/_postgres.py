"""A benchmark's own PostgreSQL database: the server from DATABASE_URL, or a private cluster.

`under_postgres(script)` re-runs the script under scripts/with-postgres.sh when no PostgreSQL URL
is set; `own_database(prefix)` then creates <prefix>_<pid> on that server, points DATABASE_URL at
it, sets Django up, and returns a function that drops it (BENCH_KEEP_DB=1 keeps it).
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent


def postgres_url():
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else None


def under_postgres(script: str, marker: str) -> str:
    url = postgres_url()
    if url is None:
        if os.environ.get(marker):
            sys.exit(f"{script}: scripts/with-postgres.sh gave no PostgreSQL DATABASE_URL")
        os.environ[marker] = "1"
        os.environ.pop("TEST_DATABASE_URL", None)
        os.environ.pop("DATABASE_URL", None)
        os.execvp("bash", ["bash", str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, script])
    return url


def own_database(url: str, prefix: str):
    import psycopg

    parts = urlsplit(url)
    name = f"{prefix}_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ.pop("TEST_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "supervision.settings"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()

    def drop():
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"kept database {name}")
            return
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return drop
