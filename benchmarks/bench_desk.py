"""The desk lists with 100,000 open processes on PostgreSQL: time, queries and bytes per page.

Run: .venv/bin/python benchmarks/bench_desk.py   (or `make bench`)
Needs PostgreSQL: with DATABASE_URL (or TEST_DATABASE_URL) naming a PostgreSQL server it uses that
server, otherwise it runs itself again under scripts/with-postgres.sh (a private cluster). Either
way it works in a database of its own (bench_desk_<pid>), dropped at the end (kept with BENCH_KEEP_DB=1,
for EXPLAIN; run under KEEP_PG=1 so the private cluster stays up too).

The demo city is seeded (seed_demo), then each open demo process of each flow is cloned the way
Viewflow would have stored it (the domain record, the base Process row, the flow's Process
subclass row, the tasks) until there are OPEN_PROCESSES open processes, in the demo's own
jurisdictions. One cloned task is opened through the desk to check the clones are workable.
Then every list page of every flow is requested for an inspector, a department head and the
administrator. Exits non-zero if any page is over TARGET_MS, TARGET_BYTES or TARGET_QUERIES.
"""

import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

OPEN_PROCESSES = int(os.environ.get("BENCH_OPEN_PROCESSES", "100000"))
TARGET_MS, TARGET_BYTES, TARGET_QUERIES = 100.0, 200_000, 20
BATCH = 2000
ROOT = Path(__file__).resolve().parent.parent
FLOW_PREFIXES = ("spotcheck", "inspection", "rectification")
PAGES = ("inbox/", "queue/", "archive/", "flows/", "tasks/")
EXTRA_PAGES = ("rectification/notices/", "inspection/to-rectify/", "inspection/publicity/")


def _postgres_url():
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else None


def _own_database(url):
    """Create bench_desk_<pid> on the server `url` names; return its URL and a function dropping it."""
    import psycopg

    parts = urlsplit(url)
    name = f"bench_desk_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")

    def drop():
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def _setup():
    url = _postgres_url()
    if url is None:
        if os.environ.get("BENCH_DESK_UNDER_PG"):
            sys.exit("bench_desk: scripts/with-postgres.sh gave no PostgreSQL DATABASE_URL")
        os.environ["BENCH_DESK_UNDER_PG"] = "1"
        os.environ.pop("TEST_DATABASE_URL", None)
        os.environ.pop("DATABASE_URL", None)
        os.execvp("bash", ["bash", str(ROOT / "scripts" / "with-postgres.sh"), sys.executable, __file__])
    own_url, drop = _own_database(url)
    os.environ["DATABASE_URL"] = own_url
    os.environ.pop("TEST_DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "supervision.settings"
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return drop


# --- generation -------------------------------------------------------------------------------


def _unique_copy(field, value, serial):
    if field.name == "public_token":
        return secrets.token_urlsafe(24)
    return f"{value}-B{serial}"[: field.max_length] if isinstance(value, str) else value


def _clone_records(model, template, count, serial0):
    """`count` copies of a domain record, unique fields made unique, its plain M2M links copied."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    objs = []
    for i in range(count):
        values = {f.attname: getattr(template, f.attname) for f in fields}
        for f in fields:
            if f.unique:
                values[f.attname] = _unique_copy(f, values[f.attname], serial0 + i)
        objs.append(model(**values))
    model.objects.bulk_create(objs, batch_size=BATCH)
    for m2m in model._meta.many_to_many:
        through = m2m.remote_field.through
        if not through._meta.auto_created:
            continue
        source, target = m2m.m2m_field_name() + "_id", m2m.m2m_reverse_field_name() + "_id"
        targets = list(through.objects.filter(**{source: template.pk}).values_list(target, flat=True))
        through.objects.bulk_create(
            [through(**{source: obj.pk, target: t}) for obj in objs for t in targets], batch_size=BATCH)
    return objs


def _clone_processes(flow_class, link, template, count, serial0):
    """Clone one open process `count` times as Viewflow stores it: record, Process, subclass row, tasks."""
    from django.db import connection
    from viewflow.workflow.models import Process, Task

    record = getattr(template, link)
    records = _clone_records(type(record), record, count, serial0)
    base_fields = [f for f in Process._meta.concrete_fields if not f.primary_key]
    processes = Process.objects.bulk_create(
        [Process(**{f.attname: getattr(template, f.attname) for f in base_fields}) for _ in records],
        batch_size=BATCH)
    process_class = flow_class.process_class
    local = [f for f in process_class._meta.local_concrete_fields if not f.primary_key]
    ptr = process_class._meta.pk.column
    columns = [ptr] + [f.column for f in local]
    rows = []
    for process, rec in zip(processes, records):
        rows.append([process.pk] + [rec.pk if f.name == link else getattr(template, f.attname) for f in local])
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO "{process_class._meta.db_table}" ({", ".join(columns)}) '
            f'VALUES ({", ".join(["%s"] * len(columns))})', rows)
    task_fields = [f for f in Task._meta.concrete_fields if not f.primary_key and f.name != "process"]
    tasks = list(Task.objects.filter(process_id=template.pk))
    Task.objects.bulk_create(
        [Task(process_id=process.pk, **{f.attname: getattr(t, f.attname) for f in task_fields})
         for process in processes for t in tasks], batch_size=BATCH)


def issue_demo_notices():
    """The demo leaves its findings for the user to notify: issue one notice per demo inspection."""
    from supervision.inspections.models import Inspection
    from supervision.rectification import services
    from workflows.rectification.flows import start_process

    for inspection in Inspection.objects.filter(findings__isnull=False, rectification_notices__isnull=True).distinct():
        member = inspection.team.select_related("user").first()
        findings = list(inspection.findings.all())
        if member is None or not findings:
            continue
        notice = services.issue_notice(member.user, inspection, findings, facts="检查发现下列问题。",
                                       measures={f.pk: "立即整改" for f in findings})
        start_process(notice)


def generate(total):
    from viewflow.workflow.models import Process

    from workflows.inspection.flows import InspectionFlow
    from workflows.rectification.flows import RectificationFlow
    from workflows.spot_check.flows import SpotCheckFlow

    flows = ((SpotCheckFlow, "plan"), (InspectionFlow, "inspection"), (RectificationFlow, "notice"))
    missing = total - Process.objects.filter(finished__isnull=True).count()
    serial = 0
    cloned = []
    for flow_class, link in flows:
        templates = list(flow_class.process_class.objects.filter(finished__isnull=True).select_related(link))
        if templates:
            cloned.append((flow_class, link, templates))
        else:
            print(f"  no open demo process of {flow_class.__name__} to clone", file=sys.stderr)
    for n, (flow_class, link, templates) in enumerate(cloned):
        share = missing // (len(cloned) - n)
        for i, template in enumerate(templates):
            count = share // len(templates) + (1 if i < share % len(templates) else 0)
            for start in range(0, count, BATCH):
                _clone_processes(flow_class, link, template, min(BATCH, count - start), serial)
                serial += BATCH
        missing -= share


# --- measurement ------------------------------------------------------------------------------


def _in_reach(user):
    from viewflow.workflow.models import Task

    from supervision.desk import site  # noqa: F401  (the applications are built with the site)
    from workflows.inspection.desk import APPLICATIONS as inspection_apps
    from workflows.rectification.desk import APPLICATIONS as rectification_apps
    from workflows.spot_check.desk import APPLICATIONS as spot_check_apps

    viewsets = [inspection_apps[0], rectification_apps[0], spot_check_apps[0]]
    return sum(Task.objects.filter(process__in=v.processes_for(user).values("pk")).count() for v in viewsets)


def personas():
    """The administrator, a head of a district bureau, and the demo inspector who sees fewest tasks (but some)."""
    from django.contrib.auth.models import User

    inspectors = []
    for name in ("inspector_donghu1", "inspector_xishan1", "market_donghu1", "fire_donghu1", "health_city1"):
        user = User.objects.filter(username=name).first()
        if user is not None:
            n = _in_reach(user)
            if n:
                inspectors.append((n, name))
    inspector = min(inspectors)[1]
    return {"inspector": inspector, "head": "head_donghu", "admin": "admin"}


def check_workable(client, username):
    """The newest (cloned) open task of each flow opens in the desk; returns the pages opened."""
    from django.contrib.auth.models import User
    from viewflow.workflow.models import Task

    from workflows.inspection.flows import InspectionFlow
    from workflows.rectification.flows import RectificationFlow
    from workflows.scoped import flow_tasks
    from workflows.spot_check.flows import SpotCheckFlow

    from django.urls import get_resolver

    get_resolver().url_patterns  # the flows' URL namespaces exist once the site's URLs are built
    client.force_login(User.objects.get(username=username))
    opened = []
    for flow_class in (SpotCheckFlow, InspectionFlow, RectificationFlow):
        task = Task.objects.filter(status="NEW", flow_task__in=flow_tasks(flow_class, True)).order_by("-pk").first()
        if task is None:
            continue
        url = task.flow_task.reverse("index", args=[task.process_id, task.pk])
        status = client.get(url, follow=True).status_code
        if status != 200:
            raise SystemExit(f"bench_desk: {url} gives {status} to {username}")
        opened.append(url)
    return opened


def measure(client, url, repeat=5):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm the caches a real server would have warm
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
    return response.status_code, statistics.median(times), len(queries), len(response.content)


def main():
    drop = _setup()
    try:
        from django.contrib.auth.models import User
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from viewflow.workflow.models import Process, Task

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))
        print(f"demo city seeded in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        issue_demo_notices()
        generate(OPEN_PROCESSES)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        open_processes = Process.objects.filter(finished__isnull=True).count()
        open_tasks = Task.objects.filter(finished__isnull=True).count()
        print(f"{open_processes} open processes, {open_tasks} open tasks, generated in "
              f"{time.perf_counter() - t0:.0f} s")

        client = Client()
        who = personas()
        print(f"workable: {check_workable(client, who['admin'])} opens for {who['admin']}")
        over = []
        print(f"{'persona':<28} {'page':<28} {'status':>6} {'ms':>7} {'queries':>7} {'KB':>7}")
        for role, username in who.items():
            user = User.objects.get(username=username)
            client.force_login(user)
            label = f"{role} {username} ({_in_reach(user)} tasks)"
            for url in [f"/{p}/{page}" for p in FLOW_PREFIXES for page in PAGES] + [f"/{p}" for p in EXTRA_PAGES]:
                status, ms, queries, size = measure(client, url)
                bad = status == 200 and (ms > TARGET_MS or size > TARGET_BYTES or queries > TARGET_QUERIES)
                print(f"{label:<28} {url:<28} {status:>6} {ms:>7.1f} {queries:>7} {size / 1000:>7.1f}"
                      f"{'  OVER' if bad else ''}")
                if bad:
                    over.append((username, url))
        if over:
            print(f"over target ({TARGET_MS:.0f} ms, {TARGET_BYTES // 1000} KB, {TARGET_QUERIES} queries): {over}")
            return 1
        print("every page within target")
        return 0
    finally:
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop()


if __name__ == "__main__":
    sys.exit(main())
