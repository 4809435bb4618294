"""The heads' dashboard in Chromium at tablet size (820×1180), in Chinese and in English.

The charts are drawn (an SVG per table, within the viewport's width, no horizontal scrolling) and a
bar is a link to its list. With DASHBOARD_SCREENSHOTS=<dir>, full-page screenshots are written there.
"""

import os
import shutil

import pytest
from django.core.management import call_command
from django.test import Client

# The migrations' reference data (roles, calendar …), copied before the first browser test flushes
# it and put back after: the field app's browser tests, which run after this one, need it. Imported
# under the name pytest gives that module (tests/ has no __init__.py), so both share one copy.
from test_field_browser import _reference_data  # noqa: F401, E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_reference_data"),
    pytest.mark.skipif(not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"),
                       reason="Debian's chromium is not installed"),
]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def test_the_dashboard_reads_on_a_tablet_and_its_bars_open_their_lists(live_server):
    from django.contrib.auth.models import User
    from playwright.sync_api import sync_playwright

    call_command("seed_demo", force=True, verbosity=0)
    client = Client()
    client.force_login(User.objects.get(username="head_city"))
    host = live_server.url.split("//")[1].split(":")[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        for language, title in (("zh-hans", "工作台"), ("en", "Dashboard")):
            context = browser.new_context(viewport={"width": 820, "height": 1180}, has_touch=True,
                                          is_mobile=True, base_url=live_server.url)
            context.add_cookies([{"name": name, "value": value, "domain": host, "path": "/"} for name, value in
                                 (("sessionid", client.cookies["sessionid"].value), ("django_language", language))])
            page = context.new_page()
            page.goto("/dashboard/")
            assert title in page.locator("h1.vf-card__title").inner_text()
            charts = page.locator("svg.dashboard-chart")
            assert charts.count() >= 8
            assert charts.first.bounding_box()["width"] > 300
            assert page.evaluate("document.documentElement.scrollWidth") <= 820
            if directory := os.environ.get("DASHBOARD_SCREENSHOTS"):
                page.screenshot(path=os.path.join(directory, f"dashboard-{language}.png"), full_page=True)
            page.locator("#chart-rectification_areas svg a").first.click()
            page.wait_for_url("**/rectification/notices/?deadline_state=overdue&district=*")
            context.close()
        browser.close()
