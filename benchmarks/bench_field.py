"""The field app's first load and a 100-item checklist under 4× CPU throttling.

Run: .venv/bin/python benchmarks/bench_field.py
Uses a throw-away SQLite database in a temporary directory and a `runserver` on 127.0.0.1 (static
files served by Django in DEBUG), drives Debian's Chromium through Playwright at tablet size.
Targets: the field pages transfer at most 150 KB on first load (HTML, CSS, JS, the translation
catalogue and the API's JSON; photos aside); a 100-item checklist section becomes usable within
1 s with CDP `Emulation.setCPUThrottlingRate` 4. Exits non-zero if either is missed.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BYTES_LIMIT = 150 * 1024
USABLE_LIMIT_MS = 1000.0
ITEMS = 100

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = Path(tempfile.mkdtemp(prefix="bench-field-"))
sys.path.insert(0, str(ROOT))
ENV = {
    **os.environ, "DJANGO_SETTINGS_MODULE": "supervision.settings", "DEBUG": "1",
    "DATABASE_URL": f"sqlite:///{WORKDIR / 'bench.sqlite3'}", "MEDIA_ROOT": str(WORKDIR / "media"),
    "VAR_DIR": str(WORKDIR), "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)


def build() -> tuple[str, int]:
    """A team of two and an inspection whose checklist has one section of ITEMS items; the session key."""
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from supervision.core.models import Department, DepartmentKind, Region, RegionLevel
    from supervision.inspections import checklists
    from supervision.inspections.models import ChecklistTemplate, Inspection
    from supervision.registry.models import Institution
    from supervision.staff.models import Official

    province = Region.objects.create(code="990000", name="示范省", level=RegionLevel.PROVINCE)
    city = Region.objects.create(code="990100", name="示范市", level=RegionLevel.CITY, parent=province)
    district = Region.objects.create(code="990101", name="东湖区", level=RegionLevel.DISTRICT, parent=city)
    street = Region.objects.create(code="990101001", name="湖滨街道", level=RegionLevel.STREET, parent=district)
    bureau = Department.objects.create(name="东湖区民政局", kind=DepartmentKind.CIVIL_AFFAIRS, region=district,
                                       short_name="东民")
    officials = []
    for n in (1, 2):
        user = User.objects.create_user(f"bench_inspector{n}", password="x")
        user.groups.add(Group.objects.get(name="inspector"))
        officials.append(Official.objects.create(user=user, name=f"检查员{n}", department=bureau, region=district))
    institution = Institution.objects.create(
        credit_code="52990101MJ00000010", name="东湖颐养院", kind="residential", ownership="private",
        beds=120, address="湖滨街道测试路1号", region=street, legal_representative="张三",
    )
    doc = {"code": "bench-100", "title": "100项检查表", "sections": [{"code": "all", "title": "全部检查项", "items": [
        {"code": f"b-{n}", "title": f"检查项目{n}：护理员经岗前培训合格后上岗并有记录", "legal_basis": "GB 38600-2019 第4章",
         "answer": "compliance", "photo_required": True, "severity": "D", "major_hazard": False,
         "fire_hazard": False} for n in range(1, ITEMS + 1)]}]}
    template, _ = checklists.publish(ChecklistTemplate, doc)
    inspection = Inspection.objects.create(institution=institution, kind="daily", department=bureau,
                                           checklist=template)
    inspection.team.set(officials)
    client = Client()
    client.force_login(officials[0].user)
    return client.cookies["sessionid"].value, inspection.pk


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, seconds=30):
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except Exception:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url}")


def measure(base, session, inspection_pk) -> tuple[int, float]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run"])
        context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True)
        context.add_cookies([{"name": "sessionid", "value": session, "domain": "127.0.0.1", "path": "/"}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        transferred = {}
        cdp.on("Network.loadingFinished", lambda e: transferred.__setitem__(e["requestId"], e["encodedDataLength"]))
        page.goto(f"{base}/field/")
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_selector(f".card[data-inspection='{inspection_pk}']")
        page.wait_for_load_state("networkidle")
        first_load = sum(transferred.values())

        # The checklist screen under 4× CPU throttling: from navigating to the page (shell, scripts and data
        # from the service worker, IndexedDB and the network) to the last item's answer button being clickable.
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        page.goto("about:blank")
        started = time.perf_counter()
        page.goto(f"{base}/field/#/i/{inspection_pk}/s/0", wait_until="commit")
        last = page.locator(f".item[data-item='b-{ITEMS}'] button[data-value='compliant']")
        last.wait_for(state="visible")
        last.click(trial=True)
        usable_ms = (time.perf_counter() - started) * 1000
        browser.close()
    return first_load, usable_ms


def main() -> int:
    try:
        session, inspection_pk = build()
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
            cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/field/sw.js")
            first_load, usable_ms = measure(base, session, inspection_pk)
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(WORKDIR, ignore_errors=True)
    ok_bytes, ok_time = first_load <= BYTES_LIMIT, usable_ms <= USABLE_LIMIT_MS
    print(f"first load of /field/: {first_load / 1024:.1f} KB transferred (target ≤ {BYTES_LIMIT // 1024} KB)"
          f" {'ok' if ok_bytes else 'OVER'}")
    print(f"{ITEMS}-item checklist usable after {usable_ms:.0f} ms at 4× CPU throttling "
          f"(target ≤ {USABLE_LIMIT_MS:.0f} ms) {'ok' if ok_time else 'OVER'}")
    return 0 if ok_bytes and ok_time else 1


if __name__ == "__main__":
    sys.exit(main())
