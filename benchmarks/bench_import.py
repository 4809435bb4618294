"""How long a 10,000-row institution import takes: dry run and commit, from XLSX and from CSV.

Run: .venv/bin/python benchmarks/bench_import.py
Uses a throw-away SQLite database in a temporary directory (DATABASE_URL), so it never
touches the development database. Exits non-zero if a commit takes longer than 30 s.
"""

import csv
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROWS = 10_000
COMMIT_LIMIT_SECONDS = 30.0
DISTRICTS = ("东湖区", "西山区", "南溪区", "北岭区")
STREETS = ("一街道", "二街道", "三街道", "四街道", "五街道")
HEADERS = ["统一社会信用代码", "机构名称", "所在区", "街道", "地址", "床位数", "建筑面积", "举办性质", "机构类型",
           "营利性质", "法定代表人", "联系人", "联系电话", "经度", "纬度"]

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-import-"))
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "supervision.settings"
os.environ["DEBUG"] = "1"
os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(WORKDIR / "media")
os.environ["VAR_DIR"] = str(WORKDIR)
os.environ.setdefault("LOG_LEVEL", "WARNING")


def build_city():
    """A city of 4 districts × 5 streets, its civil-affairs bureau, and a head who imports."""
    from django.contrib.auth.models import Group, User

    from supervision.core.models import Department, DepartmentKind, Region, RegionLevel
    from supervision.staff.models import Official

    province = Region.objects.create(code="990000", name="示范省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="990100", name="示范市", level=RegionLevel.CITY, parent=province)
    for d, district_name in enumerate(DISTRICTS, start=1):
        district = Region.objects.create(
            code=f"9901{d:02d}", name=district_name, level=RegionLevel.DISTRICT, parent=city
        )
        for s, street_name in enumerate(STREETS, start=1):
            Region.objects.create(code=f"{district.code}{s:03d}", name=street_name, level=RegionLevel.STREET,
                                  parent=district)
    bureau = Department.objects.create(name="示范市民政局", kind=DepartmentKind.CIVIL_AFFAIRS, region=city)
    head = User.objects.create_user("bench_head")
    head.groups.add(Group.objects.get(name="head"))
    Official.objects.create(user=head, name="测试负责人", department=bureau, region=city)
    return head


def institution_rows(first_serial: int):
    from supervision.registry.creditcode import check_character

    for serial in range(first_serial, first_serial + ROWS):
        district = DISTRICTS[serial % len(DISTRICTS)]
        body = f"52990100{serial + 1:09d}"  # organisation code never all zeros (GB 32100)
        yield [
            body + check_character(body), f"基准养老院{serial}", district, STREETS[serial // 4 % len(STREETS)],
            f"{district}基准路{serial}号", serial % 300, f"{1000 + serial % 5000}.5", "民建民营", "养老机构", "非营利",
            "张三", "李四", f"138{serial:08d}", f"{114 + serial % 100 / 1000:.6f}", f"{30 + serial % 100 / 1000:.6f}",
        ]


def as_csv(rows) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8-sig")


def as_xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("机构")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def run(head, name: str, data: bytes) -> float:
    from django.core.files.base import ContentFile

    from supervision.registry import imports
    from supervision.registry.models import ImportJob, ImportKind, ImportStatus

    job = ImportJob.objects.create(
        kind=ImportKind.INSTITUTIONS, file=ContentFile(data, name=name), original_name=name, created_by=head,
        jurisdiction=imports.jurisdiction_for_import(head), language="en",
    )
    checking = timed(imports.run_import_job, job.pk, False)
    job.refresh_from_db()
    if job.status != ImportStatus.VALIDATED:
        raise SystemExit(f"{name}: the dry run found problems: {job.errors[:5]} {job.failure}")
    writing = timed(imports.run_import_job, job.pk, True)
    job.refresh_from_db()
    if job.status != ImportStatus.DONE or job.created_count != ROWS:
        raise SystemExit(f"{name}: the commit did not finish: {job.status} {job.failure}")
    print(f"{name:5} {ROWS} rows, {len(data) / 1e6:.1f} MB | dry run {checking:6.2f} s ({ROWS / checking:7.0f} rows/s)"
          f" | commit {writing:6.2f} s ({ROWS / writing:7.0f} rows/s)")
    return writing


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    from supervision.registry.models import Institution

    call_command("migrate", verbosity=0)
    head = build_city()
    slowest = max(
        run(head, "XLSX", as_xlsx(institution_rows(0))),
        run(head, "CSV", as_csv(institution_rows(ROWS))),  # fresh credit codes: the XLSX rows are in now
    )
    print(f"institutions in the database: {Institution.objects.count()}")
    if slowest > COMMIT_LIMIT_SECONDS:
        print(f"FAIL: a commit took {slowest:.1f} s, over the {COMMIT_LIMIT_SECONDS:.0f} s limit")
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
