"""Every public page template in Chromium with axe-core: zero violations (WCAG 2.2 AA and axe's best
practices), in the normal display and in the large-text, high-contrast one; and that display,
chosen by a link without JavaScript, persists from page to page.

The demo city is seeded (as tests/test_seed_demo.py does) on a fixed day, with one penalty added, so
the institution page has every section filled. Chromium's requests are answered by Django's test
client through Playwright's routing (the static files from the finders): no live server, no
transactional database.
"""

import datetime as dt
import io
import mimetypes
import os
import shutil
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from tests.clocks import local

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"),
                       reason="Debian's chromium is not installed"),
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
ORIGIN = "http://testserver"
AXE_OPTIONS = {"resultTypes": ["violations"],
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                     "best-practice"]}}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _answer(client):
    from django.db import connections

    # Playwright calls this in a greenlet of its own, whose context has no connection yet: give it
    # the test's, which holds the test's transaction (a second one would find the tables locked).
    test_connection = connections["default"]

    def handle(route, request):
        connections["default"] = test_connection
        parts = urlsplit(request.url)
        if parts.path.startswith("/static/"):
            path = finders.find(parts.path[len("/static/"):])
            if path is None:
                return route.fulfill(status=404, body="")
            with open(path, "rb") as f:
                return route.fulfill(status=200, body=f.read(),
                                     content_type=mimetypes.guess_type(path)[0] or "application/octet-stream")
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        cookie = request.headers.get("cookie", "")
        if request.method == "POST":
            response = client.post(url, request.post_data or "", content_type=request.headers.get("content-type"),
                                   HTTP_COOKIE=cookie)
        else:
            response = client.get(url, HTTP_COOKIE=cookie)
        headers = {k: v for k, v in response.items()}
        if response.cookies:
            headers["set-cookie"] = "\n".join(m.OutputString() for m in response.cookies.values())
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return route.fulfill(status=response.status_code, headers=headers, body=body)
    return handle


@pytest.fixture
def demo(settings, time_machine):
    time_machine.move_to(local(dt.date(2026, 11, 23)), tick=True)
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    settings.DEBUG = False
    from django.contrib.auth.models import User

    from supervision.credit import penalties
    from supervision.rectification.models import RectificationNotice

    notice = RectificationNotice.objects.select_related("institution").first()
    head = User.objects.get(username="head_city")
    penalties.record_penalty(head, notice.institution, decision_number="示民罚〔2026〕1号",
                             violation_type="未按期整改消防隐患", facts="逾期未整改", legal_basis="《养老机构管理办法》第四十六条",
                             category="fine", content="罚款", fine="1.5", decision_date=dt.date(2026, 11, 2))
    return notice


def public_pages(notice):
    from supervision.filings.models import Filing
    from supervision.listings.models import ListingCase
    from supervision.sampling.models import DrawRecord

    draw = DrawRecord.objects.filter(published_at__isnull=False).first()
    filing = Filing.objects.filter(state="accepted").select_related("institution").first()
    from tests.builders.concerns import concern

    other = [pk for pk in type(notice.institution).objects.values_list("pk", flat=True)[:3]]
    sent = concern(notice.institution)
    assert ListingCase.objects.exists() and draw is not None and filing is not None
    return {
        "home": "/public/",
        "search": "/public/institutions/?q=yy",
        "search, bad input": "/public/institutions/?beds_min=many",
        "institution": f"/public/institutions/{notice.institution.pk}/",
        "compare": "/public/compare/?" + "&".join(f"id={pk}" for pk in other),
        "compare, too many": "/public/compare/?id=1&id=2&id=3&id=4",
        "methodology": "/public/methodology/",
        "display": "/public/display/",
        "open data": "/public/data/",
        "lists": "/public/listings/",
        "spot-check plans": "/public/spot-checks/",
        "spot-check plan": f"/public/spot-checks/{draw.plan_id}/",
        "draw verification": f"/public/spot-checks/draws/{draw.pk}/verify/",
        "notice verification": f"/public/notices/{notice.public_token}/",
        "notice unknown": "/public/notices/no-such-token/",
        "commitments": "/public/commitments/",
        "commitment": f"/public/commitments/{filing.institution.credit_code}/",
        "commitment unknown": "/public/commitments/000000000000000000/",
        "concern form": f"/public/concerns/new/?institution={notice.institution.pk}",
        "concern, no institution": "/public/concerns/new/",
        "concern tracking": "/public/concerns/track/",
        "concern status": f"/public/concerns/track/?code={sent.tracking_code}",
        "concern unknown": "/public/concerns/track/?code=ZZZZ",
    }


def violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:4]}" for v in results.response["violations"]]


@pytest.mark.parametrize("display", ["normal", "large-contrast"])
def test_every_public_page_has_no_axe_violation(browser, demo, display):
    client = Client()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    if display != "normal":
        context.add_cookies([{"name": "public_large", "value": "1", "url": ORIGIN},
                             {"name": "public_contrast", "value": "1", "url": ORIGIN}])
    page = context.new_page()
    page.route(f"{ORIGIN}/**", _answer(client))
    found = {}
    for name, url in public_pages(demo).items():
        page.goto(ORIGIN + url)
        problems = violations(page)
        if problems:
            found[name] = problems
    page.goto(ORIGIN + public_pages(demo)["draw verification"])
    page.locator("main form button[type=submit]").click()  # the verification's report
    page.wait_for_load_state()
    assert page.locator("main p.notice[role=status]").count() == 1
    if problems := violations(page):
        found["draw verification, report"] = problems
    page.goto(ORIGIN + public_pages(demo)["concern form"])
    page.locator("main form.concern button[type=submit]").click()  # empty: the form with its errors
    page.wait_for_load_state()
    assert page.locator("main .problem[role=alert]").count() == 1
    if problems := violations(page):
        found["concern form, errors"] = problems
    context.close()
    assert found == {}, "\n".join(f"{name}: {p}" for name, problems in found.items() for p in problems)


def test_large_text_and_high_contrast_persist_without_javascript(browser, demo):
    client = Client()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route(f"{ORIGIN}/**", _answer(client))
    page.goto(ORIGIN + "/public/methodology/")
    assert page.get_attribute("body", "class").split() == []
    page.locator("a[href*='large=1']").first.click()
    page.wait_for_url("**/public/methodology/")
    page.locator("a[href*='contrast=1']").first.click()
    page.wait_for_url("**/public/methodology/")
    page.goto(ORIGIN + "/public/listings/")  # another page, later: the choice holds
    assert set(page.get_attribute("body", "class").split()) == {"large-text", "high-contrast"}
    page.locator("a[href*='large=0']").first.click()
    page.wait_for_url("**/public/listings/")
    assert page.get_attribute("body", "class").split() == ["high-contrast"]
    context.close()
