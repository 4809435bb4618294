"""The public site at scale on PostgreSQL (#17 item 6): the institution page and the search, then
the cached institution page under load against a trivial Django view.

Run: .venv/bin/python benchmarks/bench_public.py   (or `make bench`)
Sizes: BENCH_INSTITUTIONS (default 100,000) and BENCH_INSPECTIONS (default 1,000,000; one in five
with a finding). Rows are made in the database (INSERT … SELECT generate_series, names and their
pinyin keys built from syllables in SQL), so the load is not what is measured. Then, in the same run:

* the institution page, uncached (PUBLIC_PAGE_CACHE_SECONDS=0), for PAGE_SAMPLES institutions:
  p50 / p95 through Django's test client (target p95 ≤ 50 ms);
* the search: pinyin initials, full pinyin, a Chinese substring, a filter with a sort, each
  uncached, p50 / p95 (target p95 ≤ 100 ms);
* under load on loopback: gunicorn (2 workers, sync) serving this database, a load generator in
  another process (BENCH_THREADS keep-alive connections, BENCH_SECONDS each): the requests per
  second of a trivial Django view (the reference) and of the cached institution page (20
  institutions in turn, after a warm-up). Target: the page sustains ≥ 0.5 × the trivial view.

Prints the figures and the ratio; exits non-zero when a target is missed.
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _postgres import ROOT, own_database, under_postgres  # noqa: E402

INSTITUTIONS = int(os.environ.get("BENCH_INSTITUTIONS", "100000"))
INSPECTIONS = int(os.environ.get("BENCH_INSPECTIONS", "1000000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
PAGE_SAMPLES = 200
TARGET_PAGE_MS, TARGET_SEARCH_MS, TARGET_RATIO = 50.0, 100.0, 0.5

# Syllables and their pinyin: names like 松林福养老院123 with the key "songlinfuyanglaoyuan123|slfyly123".
CHARS = "松林福寿康和春晖泰德颐乐安宁祥瑞"
PINYIN = ["song", "lin", "fu", "shou", "kang", "he", "chun", "hui", "tai", "de", "yi", "le", "an", "ning",
          "xiang", "rui"]


def _world():
    from supervision.core.models import Department, DepartmentKind, Region, RegionLevel

    province = Region.objects.create(code="990000", name="示范省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="990100", name="示范市", level=RegionLevel.CITY, parent=province)
    department = Department.objects.create(name="示范市民政局", kind=DepartmentKind.CIVIL_AFFAIRS, region=city)
    streets = []
    for d in range(1, 11):
        district = Region.objects.create(code=f"9901{d:02d}", name=f"第{d}区", level=RegionLevel.DISTRICT, parent=city)
        for s in range(1, 11):
            streets.append(Region.objects.create(code=f"9901{d:02d}{s:03d}", name=f"第{d}区第{s}街道",
                                                 level=RegionLevel.STREET, parent=district))
    return [s.pk for s in streets], department


def _load(streets, department):
    from django.db import connection

    chars = "ARRAY[" + ",".join(f"'{c}'" for c in CHARS) + "]"
    pinyin = "ARRAY[" + ",".join(f"'{p}'" for p in PINYIN) + "]"
    syllable = "(1 + (g / {d}) %% 16)"
    parts = [syllable.format(d=d) for d in (1, 16, 256)]
    name = " || ".join(f"({chars})[{p}]" for p in parts) + " || '养老院' || g"
    full = " || ".join(f"({pinyin})[{p}]" for p in parts) + " || 'yanglaoyuan' || g"
    initials = " || ".join(f"left(({pinyin})[{p}], 1)" for p in parts) + " || 'yly' || g"
    with connection.cursor() as cursor:
        cursor.execute(f"""
            INSERT INTO registry_institution (credit_code, credit_code_pending_reason, name, name_pinyin, kind,
                ownership, for_profit, beds, address, region_id, legal_representative, contact_person,
                contact_phone, phone_numbers, postcode, filing_status, operating_status, credit_class, created,
                updated)
            SELECT '', 'bench', {name}, {full} || '|' || {initials}, 'residential',
                   (ARRAY['public_public','private','public_private'])[1 + g %% 3], false, 10 + g %% 400, '地址' || g,
                   (%(streets)s::int[])[1 + g %% %(nstreets)s], '张三', '', '', '', '',
                   (ARRAY['filed','not_filed'])[1 + g %% 2], 'operating',
                   (ARRAY['A','B','C','D','unrated'])[1 + g %% 5], now(), now()
            FROM generate_series(1, %(n)s) g
        """, {"streets": streets, "nstreets": len(streets), "n": INSTITUTIONS})
        cursor.execute("SELECT min(id) FROM registry_institution")
        first = cursor.fetchone()[0]
        cursor.execute("""
            INSERT INTO inspections_inspection (institution_id, kind, department_id, announced, case_reason,
                status, submitted_at, started_at, created, revision, head_review, review_outcome, review_comment,
                notice_number, notice_delivery_method, notice_received_by, representative_name,
                representative_refused, publicity_deadline_provisional, scheduled_for)
            SELECT %(first)s + g %% %(n)s, 'daily', %(dep)s, true, '', 'submitted',
                   now() - make_interval(days => (g %% 900)::int), now() - make_interval(days => (g %% 900)::int),
                   now(), 1, false, '', '', '', '', '', '', false, false, current_date - (g %% 900)::int
            FROM generate_series(1, %(m)s) g
        """, {"first": first, "n": INSTITUTIONS, "dep": department.pk, "m": INSPECTIONS})
        cursor.execute("""
            INSERT INTO inspections_finding (inspection_id, item_code, item_title, legal_basis, description,
                severity, major_hazard, fire_hazard, needs_rectification, created)
            SELECT id, 'fire-1', '消防通道堵塞', '《养老机构管理办法》第三十七条', '检查发现', 'D', false, true, true, now()
            FROM inspections_inspection WHERE id % 5 = 0
        """)
        cursor.execute("ANALYZE")
    return first


def _percentiles(times):
    cuts = statistics.quantiles(times, n=20)
    return statistics.median(times), cuts[18]


def _timed_gets(client, urls):
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return times


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _under_load(pks):
    """Requests per second of the trivial view, then of the cached page, with gunicorn on 2 workers."""
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "_public_site_settings", "PUBLIC_PAGE_CACHE_SECONDS": "600",
           "PYTHONPATH": f"{ROOT / 'benchmarks'}:{ROOT}"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "supervision.wsgi", "-w", "2",
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning"], env=env, cwd=ROOT)
    try:
        for _n in range(150):
            if server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        pages = [f"/public/institutions/{pk}/" for pk in pks]
        client = [sys.executable, str(ROOT / "benchmarks" / "_load_client.py"), str(port)]
        # Warm: every page rendered by each worker (without Redis the cache is the worker's own), each
        # render ~0.1 s: 8 s covers 20 pages on 2 workers several times over.
        subprocess.run([*client, "8", "2", *pages], check=True, capture_output=True)

        def rate(paths):
            out = subprocess.run([*client, str(SECONDS), str(THREADS), *paths], check=True, capture_output=True,
                                 text=True).stdout.split()
            return float(out[0]), int(out[1])

        return rate(["/bench/trivial/"]), rate(pages)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    drop = own_database(under_postgres(__file__, "BENCH_PUBLIC_UNDER_PG"), "bench_public")
    failed = []
    try:
        from django.conf import settings
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0)
        streets, department = _world()
        started = time.perf_counter()
        first = _load(streets, department)
        print(f"bench_public: {INSTITUTIONS:,} institutions, {INSPECTIONS:,} inspections "
              f"(loaded in {time.perf_counter() - started:.0f} s)")

        settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # uncached: every request renders
        client = Client()
        step = max(INSTITUTIONS // PAGE_SAMPLES, 1)
        pks = [first + n * step for n in range(PAGE_SAMPLES)]
        _timed_gets(client, [f"/public/institutions/{pk}/" for pk in pks[:10]])  # warm the connection
        p50, p95 = _percentiles(_timed_gets(client, [f"/public/institutions/{pk}/" for pk in pks]))
        print(f"  institution page, uncached:   p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (target p95 ≤ {TARGET_PAGE_MS} ms)")
        if p95 > TARGET_PAGE_MS:
            failed.append(f"institution page p95 {p95:.1f} ms")

        searches = {
            "pinyin initials": "/public/institutions/?q=slf",
            "full pinyin": "/public/institutions/?q=songlinfu",
            "Chinese substring": "/public/institutions/?q=康和",
            "filters and sort": f"/public/institutions/?district={_district_of(streets[0])}&grade=A&sort=-beds",
            "initials, page 3": "/public/institutions/?q=kh&page=3",
        }
        for label, url in searches.items():
            p50, p95 = _percentiles(_timed_gets(client, [url] * 40))
            print(f"  search, {label + ':':19} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   (target p95 ≤ {TARGET_SEARCH_MS} ms)")
            if p95 > TARGET_SEARCH_MS:
                failed.append(f"search {label} p95 {p95:.1f} ms")

        (trivial, trivial_errors), (page, page_errors) = _under_load(pks[:20])
        ratio = page / trivial if trivial else 0.0
        print(f"  under load (gunicorn -w 2, {THREADS} connections, {SECONDS:.0f} s each):")
        print(f"    reference, trivial view:    {trivial:8.1f} req/s   ({trivial_errors} errors)")
        print(f"    cached institution page:    {page:8.1f} req/s   ({page_errors} errors)   ratio {ratio:4.2f}"
              f"   (target ≥ {TARGET_RATIO})")
        if ratio < TARGET_RATIO:
            failed.append(f"cached page at {ratio:.2f} of the trivial view")
        if trivial_errors or page_errors:
            failed.append("errors under load")
    finally:
        drop()
    for line in failed:
        print(f"MISSED: {line}")
    return 1 if failed else 0


def _district_of(street_pk):
    from supervision.core.models import Region

    return Region.objects.get(pk=street_pk).parent_id


if __name__ == "__main__":
    sys.exit(main())
