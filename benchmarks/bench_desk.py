"""The desk lists with 100,000 open processes on PostgreSQL: time, queries and bytes per page.

Run: .venv/bin/python benchmarks/bench_desk.py   (or `make bench`)
Needs PostgreSQL: with DATABASE_URL (or TEST_DATABASE_URL) naming a PostgreSQL server it uses that
server, otherwise it runs itself again under scripts/with-postgres.sh (a private cluster). Either
way it works in a database of its own (bench_desk_<pid>), dropped at the end (kept with BENCH_KEEP_DB=1,
for EXPLAIN; run under KEEP_PG=1 so the private cluster stays up too).

The demo city is seeded (seed_demo), BENCH_STREETS streets are added under its districts (see
"generation" below), then each open demo process of each flow is cloned the way Viewflow would
have stored it (the domain record with its links and child rows, the base Process row, the flow's
Process subclass row, the tasks) into those streets until there are OPEN_PROCESSES open processes.
The newest clone of each flow is opened through the desk by its street's officials, and a plan
approval is taken from the queue, to check the clones are workable. Then every list page of every
flow, and the newest process and task page in reach, is requested for a street inspector (about
100 open tasks), a district head, the city head and the administrator (all of them). Exits
non-zero if any page is not 200 or over TARGET_MS, TARGET_BYTES or TARGET_QUERIES.
"""

import os
import secrets
import statistics
from collections import Counter
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
#
# The demo's open processes all sit in one district line (东湖区民政局). Cloned as they are, every
# official of that line would see all 100,000 of them; a real province spreads them over its streets.
# So the generator first builds STREETS synthetic streets under the demo districts (round robin), each
# a copy of the demo's street-level world the templates touch: the street itself, a street office of
# each kind of district department the templates name, a counterpart of every official of those
# departments (same roles and groups, the demo password), and the institutions the templates name. The open
# processes are then cloned into the streets in turn, every reference remapped to that street's copy
# (each notice on its own copy of its inspection and findings), so a street inspector sees about
# OPEN/STREETS processes, a district head a quarter, the city head and the administrator all.

STREETS = int(os.environ.get("BENCH_STREETS", "1600"))
OFFICE_SUFFIX = {"civil_affairs": "民政办", "market_regulation": "市场监管所", "fire_rescue": "消防工作站",
                 "health": "卫生服务站", "housing": "城建办", "medical_insurance": "医保工作站"}
# Rows cloned with their parent record (the relation names), and the children to leave alone.
# (A notice's items are copied by _clone_notices: each notice needs an inspection and findings of its own.)
CHILDREN = {"sampling.spotcheckplan": ("rounds",), "rectification.rectificationnotice": ("events",),
            "inspections.inspection": ("findings",)}


def _street_code(district_code, n):
    return f"{district_code}{n:06d}"[:12]


class Cloner:
    """Bulk copies of template rows, one per (template, street), every foreign key remapped per street.

    `maps[s]` is street s's remapping: (model, old pk) -> new pk. A reference without an entry
    (the city's departments, the administrator, a checklist) stays as it is.
    """

    def __init__(self, streets):
        self.maps = [dict() for _ in range(streets)]
        self.serial = 0

    def remap(self, s, model, pk):
        return self.maps[s].get((model, pk), pk)

    def values(self, model, template, s, serial):
        from supervision.registry.creditcode import check_character

        values = {}
        for f in model._meta.concrete_fields:
            if f.primary_key:
                continue
            value = getattr(template, f.attname)
            if f.is_relation and value is not None:
                value = self.remap(s, f.related_model, value)
            if f.unique and value is not None:
                if f.name == "public_token":
                    value = secrets.token_urlsafe(24)
                elif f.name == "credit_code":
                    body = f"52{value[2:8]}{serial:09d}"[:17]
                    value = body + check_character(body)
                elif isinstance(value, str):
                    value = f"{value}-B{serial}"
                    assert len(value) <= f.max_length, (model, f.name, value)
            values[f.attname] = value
        return values

    def clone(self, model, pairs, parents=None, **fixed):
        """[(template, street)] -> the new rows, in order; their auto M2M links and CHILDREN copied too.

        `parents`, for child rows: per row, {attname: the new parent's pk} (several copies of one
        template in one street would otherwise all point at the last).
        """
        rows = []
        for i, (template, s) in enumerate(pairs):
            self.serial += 1
            values = self.values(model, template, s, self.serial)
            values.update({k: (v(template, s) if callable(v) else v) for k, v in fixed.items()})
            values.update(parents[i] if parents else {})
            rows.append(model(**values))
        for start in range(0, len(rows), BATCH):
            model.objects.bulk_create(rows[start:start + BATCH])
        for (template, s), row in zip(pairs, rows):
            self.maps[s][(model, template.pk)] = row.pk
        for m2m in model._meta.many_to_many:
            through = m2m.remote_field.through
            if not through._meta.auto_created:
                continue
            source, target = m2m.m2m_field_name() + "_id", m2m.m2m_reverse_field_name() + "_id"
            links = {}
            for a, b in through.objects.filter(**{f"{source}__in": {t.pk for t, _ in pairs}}).values_list(source, target):
                links.setdefault(a, []).append(b)
            related = m2m.related_model
            through.objects.bulk_create(
                [through(**{source: row.pk, target: self.remap(s, related, b)})
                 for (template, s), row in zip(pairs, rows) for b in links.get(template.pk, [])],
                batch_size=BATCH)
        for name in CHILDREN.get(model._meta.label_lower, ()):
            relation = model._meta.get_field(name)
            child_model, fk = relation.related_model, relation.field.name
            children = {}
            for child in child_model.objects.filter(**{f"{fk}__in": [t.pk for t, _ in pairs]}).order_by("pk"):
                children.setdefault(getattr(child, f"{fk}_id"), []).append(child)
            found = [(child, s, row.pk) for (template, s), row in zip(pairs, rows)
                     for child in children.get(template.pk, [])]
            self.clone(child_model, [(child, s) for child, s, _ in found],
                       parents=[{f"{fk}_id": parent} for _, _, parent in found])
        return rows


def _referenced(templates):
    """The departments and institutions the open demo processes refer to."""
    from supervision.sampling.models import SpotCheckPlan

    refs = {"departments": set(), "institutions": set()}
    for process, link in templates:
        record = getattr(process, link)
        refs["departments"].add(record.department_id)
        if isinstance(record, SpotCheckPlan):
            refs["departments"] |= set(record.participating_departments.values_list("pk", flat=True))
        else:
            refs["institutions"].add(record.institution_id)
    return refs


def build_streets(cloner, templates):
    """STREETS streets under the demo districts, each with its copy of what the templates refer to."""
    from django.contrib.auth.models import User

    from supervision.core.models import Department, Region, RegionLevel
    from supervision.registry.models import Institution
    from supervision.staff.models import Official

    refs = _referenced(templates)
    # The templates' own district: its departments get a street office per street, its regions map to the street.
    local = list(Department.objects.filter(pk__in=refs["departments"], region__level=RegionLevel.DISTRICT))
    home = Region.objects.get(pk=Counter(d.region_id for d in local).most_common(1)[0][0])
    subtree = list(Region.objects.filter(path__startswith=home.path).values_list("pk", flat=True))
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).order_by("path"))
    regions = []
    for s in range(STREETS):
        district = districts[s % len(districts)]
        code = _street_code(district.code, 900000 - s)
        regions.append(Region(code=code, name=f"测试{s + 1:04d}街道", level=RegionLevel.STREET, parent=district,
                              path=f"{district.path}{code}/"))
    Region.objects.bulk_create(regions, batch_size=BATCH)
    for s, region in enumerate(regions):
        cloner.maps[s].update({(Region, pk): region.pk for pk in subtree})
    local = [d for d in local if d.region_id == home.pk]
    cloner.clone(Department, [(d, s) for d in local for s in range(STREETS)],
                 name=lambda d, s: f"{regions[s].name}{OFFICE_SUFFIX.get(d.kind, d.kind)}")
    officials = list(Official.objects.filter(department__in=local))  # each office is fully staffed
    users = list(User.objects.filter(pk__in={o.user_id for o in officials}))
    cloner.clone(User, [(u, s) for u in users for s in range(STREETS)],
                 username=lambda u, s: f"{u.username}_s{s + 1:04d}")
    cloner.clone(Official, [(o, s) for o in officials for s in range(STREETS)],
                 name=lambda o, s: f"{o.name}{s + 1:04d}")
    institutions = list(Institution.objects.filter(pk__in=refs["institutions"]))
    cloner.clone(Institution, [(i, s) for i in institutions for s in range(STREETS)],
                 name=lambda i, s: f"{regions[s].name}{i.name}")
    return regions


def _clone_notices(cloner, pairs):
    """Notices with their items, each on a copy of its inspection and findings (a finding is in one notice)."""
    from supervision.inspections.models import Finding
    from supervision.rectification.models import NoticeItem, RectificationNotice

    inspections = cloner.clone(type(pairs[0][0].inspection), [(n.inspection, s) for n, s in pairs])
    notices = cloner.clone(RectificationNotice, pairs, parents=[{"inspection_id": i.pk} for i in inspections])

    def findings_of(inspection_pks):
        found = {}
        for pk, inspection in Finding.objects.filter(inspection__in=inspection_pks).order_by("pk").values_list(
                "pk", "inspection_id"):
            found.setdefault(inspection, []).append(pk)
        return found

    old, new = findings_of({n.inspection_id for n, _ in pairs}), findings_of([i.pk for i in inspections])
    items = {}
    for item in NoticeItem.objects.filter(notice__in={n.pk for n, _ in pairs}).order_by("pk"):
        items.setdefault(item.notice_id, []).append(item)
    copies = []
    for (template, _), notice, inspection in zip(pairs, notices, inspections):
        finding = dict(zip(old.get(template.inspection_id, []), new.get(inspection.pk, [])))
        copies += [NoticeItem(notice_id=notice.pk, finding_id=finding[item.finding_id],
                              measures_required=item.measures_required) for item in items.get(template.pk, [])]
    NoticeItem.objects.bulk_create(copies, batch_size=BATCH)
    return notices


def _clone_processes(cloner, flow_class, link, pairs):
    """Clone open processes as Viewflow stores them: record, base Process, subclass row, tasks."""
    from django.db import connection
    from viewflow.workflow.models import Process, Task

    from supervision.core.models import Department

    if link == "notice":
        records = _clone_notices(cloner, [(p.notice, s) for p, s in pairs])
    else:
        records = cloner.clone(type(getattr(pairs[0][0], link)), [(getattr(p, link), s) for p, s in pairs])
    base_fields = [f for f in Process._meta.concrete_fields if not f.primary_key]
    processes = Process.objects.bulk_create(
        [Process(**{f.attname: getattr(p, f.attname) for f in base_fields}) for p, _ in pairs], batch_size=BATCH)
    process_class = flow_class.process_class
    local = [f for f in process_class._meta.local_concrete_fields if not f.primary_key]
    columns = [process_class._meta.pk.column] + [f.column for f in local]
    rows = [[process.pk] + [rec.pk if f.name == link else getattr(p, f.attname) for f in local]
            for process, rec, (p, _) in zip(processes, records, pairs)]
    with connection.cursor() as cursor:
        cursor.executemany(f'INSERT INTO "{process_class._meta.db_table}" ({", ".join(columns)}) '
                           f'VALUES ({", ".join(["%s"] * len(columns))})', rows)
    task_fields = [f for f in Task._meta.concrete_fields if not f.primary_key and f.name != "process"]
    tasks = {}
    for task in Task.objects.filter(process__in={p.pk for p, _ in pairs}).order_by("pk"):
        tasks.setdefault(task.process_id, []).append(task)
    clones = []
    for process, (template, s) in zip(processes, pairs):
        for task in tasks.get(template.pk, []):
            values = {f.attname: getattr(task, f.attname) for f in task_fields}
            values["owner_id"] = cloner.remap(s, type(task).owner.field.related_model, task.owner_id)
            if isinstance(values["data"], dict) and "department" in values["data"]:
                values["data"] = {**values["data"],
                                  "department": cloner.remap(s, Department, values["data"]["department"])}
            clones.append(Task(process_id=process.pk, **values))
    Task.objects.bulk_create(clones, batch_size=BATCH)


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
    """Spread `total` open processes (counting the demo's) over the flows and STREETS streets."""
    from viewflow.workflow.models import Process

    from workflows.inspection.flows import InspectionFlow
    from workflows.rectification.flows import RectificationFlow
    from workflows.spot_check.flows import SpotCheckFlow

    flows = ((SpotCheckFlow, "plan"), (InspectionFlow, "inspection"), (RectificationFlow, "notice"))
    missing = total - Process.objects.filter(finished__isnull=True).count()
    per_flow = []
    for flow_class, link in flows:
        open_ = list(flow_class.process_class.objects.filter(finished__isnull=True).select_related(link))
        if open_:
            per_flow.append((flow_class, link, open_))
        else:
            print(f"  no open demo process of {flow_class.__name__} to clone", file=sys.stderr)
    cloner = Cloner(STREETS)
    regions = build_streets(cloner, [(p, link) for _, link, open_ in per_flow for p in open_])
    shares = [missing // len(per_flow) + (1 if n < missing % len(per_flow) else 0) for n in range(len(per_flow))]
    # The flows take turns, a batch each, as real plans, inspections and notices start side by side:
    # generated flow after flow, every list of the oldest flow would first walk the others' tasks.
    step = BATCH // 4
    for start in range(0, max(shares), step):
        for (flow_class, link, templates), share in zip(per_flow, shares):
            pairs = [(templates[k % len(templates)], k % STREETS) for k in range(start, min(start + step, share))]
            if pairs:
                _clone_processes(cloner, flow_class, link, pairs)
    return cloner, regions


# --- measurement ------------------------------------------------------------------------------


def _viewsets():
    from supervision.desk import site  # noqa: F401  (the applications are built with the site)
    from workflows.inspection.desk import APPLICATIONS as inspection_apps
    from workflows.rectification.desk import APPLICATIONS as rectification_apps
    from workflows.spot_check.desk import APPLICATIONS as spot_check_apps

    return [spot_check_apps[0], inspection_apps[0], rectification_apps[0]]


def in_reach(user):
    """(open tasks, all tasks) of every flow's processes the user may see."""
    from django.db.models import Q
    from viewflow.workflow.models import Task

    reach = Q(pk__in=[])
    for viewset in _viewsets():
        reach |= Q(process__in=viewset.processes_for(user).values("pk"))
    tasks = Task.objects.filter(reach)
    return tasks.filter(finished__isnull=True).count(), tasks.count()


def personas():
    """A street inspector, the district head over a quarter of the streets, the city head, the administrator."""
    from django.contrib.auth.models import User

    from supervision.staff.models import Role

    inspector = (User.objects.filter(username__endswith="_s0001", groups__name=Role.INSPECTOR)
                 .exclude(groups__name=Role.HEAD).order_by("username").first())
    return {"inspector": inspector.username, "district head": "head_donghu", "city head": "head_city",
            "admin": "admin"}


def check_workable(client):
    """The newest cloned process of each flow opens for its street's officials; a plan approval is taken."""
    from django.contrib.auth.models import User
    from django.urls import get_resolver
    from viewflow.workflow.models import Task

    from supervision.staff.models import Role

    get_resolver().url_patterns  # the flows' URL namespaces exist once the site's URLs are built
    opened = []
    for viewset in _viewsets():
        flow = viewset._flow_class.instance
        process = viewset._flow_class.process_class.objects.order_by("-pk").first()
        record = process.flow_class.process_class.objects.get(pk=process.pk)
        department = getattr(record, {"spot_check_flow": "plan", "inspection_flow": "inspection",
                                      "rectification_flow": "notice"}[process._meta.app_label]).department
        officials = User.objects.filter(official__department=department).order_by("username")
        for user in (officials.filter(groups__name=Role.HEAD).first(),
                     officials.filter(groups__name=Role.INSPECTOR).exclude(groups__name=Role.HEAD).first()):
            client.force_login(user)
            url = flow.reverse("process_detail", args=[process.pk])
            if client.get(url).status_code != 200:
                raise SystemExit(f"bench_desk: {url} is not 200 for {user.username}")
            opened.append(f"{url} ({user.username})")
            queue = viewset.queue(user).filter(process=process).first()
            if queue is not None:
                assign = queue.flow_task.reverse("assign", args=[process.pk, queue.pk])
                client.post(assign)
                execute = queue.flow_task.reverse("execute", args=[process.pk, queue.pk])
                response = client.get(execute)
                if Task.objects.get(pk=queue.pk).owner_id != user.pk or response.status_code != 200 \
                        or b"<form" not in response.content:
                    raise SystemExit(f"bench_desk: {user.username} could not take and open {execute}")
                opened.append(f"{execute} ({user.username}: taken, form shown)")
    return opened


def detail_pages(user):
    """For each flow the newest process in the user's reach: its page and its newest task's page."""
    from django.urls import reverse
    from viewflow.workflow.models import Task

    urls = []
    for viewset in _viewsets():
        process = viewset.processes_for(user).order_by("-pk").first()
        if process is None:
            continue
        urls.append(viewset._flow_class.instance.reverse("process_detail", args=[process.pk]))
        task = Task.objects.filter(process=process).order_by("-pk").first()
        urls.append(task.flow_task.reverse("detail", args=[process.pk, task.pk]))
        notice = getattr(process, "notice", None)
        if notice is not None:
            urls.append(reverse("rectification:notices:detail", args=[notice.pk]))
    return urls


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
        print(f"{open_processes} open processes, {open_tasks} open tasks over {STREETS} streets, generated in "
              f"{time.perf_counter() - t0:.0f} s")

        client = Client()
        for line in check_workable(client):
            print(f"workable: {line}")
        over = []
        print(f"{'persona':<44} {'page':<36} {'status':>6} {'ms':>7} {'queries':>7} {'KB':>7}")
        for role, username in personas().items():
            user = User.objects.get(username=username)
            client.force_login(user)
            n_open, n_all = in_reach(user)
            label = f"{role} {username} ({n_open} open/{n_all} tasks)"
            lists = [f"/{p}/{page}" for p in FLOW_PREFIXES for page in PAGES] + [f"/{p}" for p in EXTRA_PAGES]
            for url in lists + detail_pages(user):
                status, ms, queries, size = measure(client, url)
                bad = status != 200 or ms > TARGET_MS or size > TARGET_BYTES or queries > TARGET_QUERIES
                print(f"{label:<44} {url:<36} {status:>6} {ms:>7.1f} {queries:>7} {size / 1000:>7.1f}"
                      f"{'  OVER' if bad else ''}")
                if bad:
                    over.append((username, url))
        if over:
            print(f"over target (200, {TARGET_MS:.0f} ms, {TARGET_BYTES // 1000} KB, {TARGET_QUERIES} queries): {over}")
            return 1
        print("every page within target")
        return 0
    finally:
        if os.environ.get("BENCH_KEEP_DB") != "1":
            drop()


if __name__ == "__main__":
    sys.exit(main())
