"""The tablet's outbox survives the end of the login (idle timeout, or the session gone): the field
API answers 401 JSON, the app keeps every queued record, says to log in again with a link, and sends
the records after the login. Chromium at tablet size, as in tests/test_field_browser.py."""

import os
import shutil

import pytest
from django.contrib.sessions.models import Session

from supervision.inspections.models import SyncRecord
from tests.test_field_browser import (  # noqa: F401  (fixtures)
    _reference_data,
    assert_one_complete_record,
    browser,
    field,
    fill_in,
    wait_for_service_worker,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"),
                       reason="Debian's chromium is not installed"),
]


def test_an_expired_session_keeps_the_outbox_and_it_syncs_after_the_login(field):  # noqa: F811
    world, inspection, context, page = field
    page.goto("/field/")
    page.wait_for_selector("body[data-ready='1']")
    wait_for_service_worker(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    fill_in(page, inspection)
    page.click("#submit")
    page.wait_for_selector(".outbox-item[data-state='pending']")

    Session.objects.all().delete()  # the login ended while the tablet was offline
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#session-ended:not([hidden]) a#login-again")
    assert "重新登录" in page.inner_text("#session-ended")
    assert page.get_attribute("#login-again", "href") == "/accounts/login/?next=%2Ffield%2F"
    page.goto(f"{page.url.split('#')[0]}#/outbox")
    page.wait_for_selector(".outbox-item[data-state='pending']")
    assert page.locator(".outbox-item").count() == 1
    assert not SyncRecord.objects.exists()

    page.click("#login-again")
    page.wait_for_selector("input[name='username']")
    page.fill("input[name='username']", "inspector_x")
    page.fill("input[name='password']", "pw-inspector_x")
    page.press("input[name='password']", "Enter")
    page.wait_for_url("**/field/**")
    page.wait_for_selector("body[data-ready='1']")
    page.goto(f"{page.url.split('#')[0]}#/outbox")
    page.wait_for_selector(".outbox-item[data-state='sent']")
    assert_one_complete_record(inspection)


def test_the_field_app_and_the_desk_run_under_the_content_security_policy(browser, live_server, _reference_data):  # noqa: F811, E501
    """No bypass here: the policy is enforced, and neither page reports a violation."""
    from django.test import Client

    from tests.factories import build_world

    world = build_world()
    client = Client()
    client.force_login(world.inspector_x)
    context = browser.new_context(viewport={"width": 820, "height": 1180}, base_url=live_server.url, locale="zh-CN")
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}])
    violations = []
    page = context.new_page()
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    try:
        page.goto("/field/")
        page.wait_for_selector("body[data-ready='1']")  # app.js ran: it sets this at the end of its start
        page.goto("/libraries/institutions/")
        page.wait_for_selector("table, .vf-list, main")
        page.goto("/public/")
        page.wait_for_selector("main")
    finally:
        context.close()
    assert violations == []
