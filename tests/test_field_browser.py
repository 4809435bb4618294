"""The field app in Chromium at tablet size (820×1180, touch): online, offline, a lost answer, a rejection.

Playwright drives Debian's Chromium against pytest-django's live server. Each test ends with the
server's records checked: exactly one record, with every answer, photo and signature.
"""

import io
import json
import os
import shutil

import pytest
from django.test import Client

from supervision.inspections.models import Inspection, Photo, Signature, SyncRecord
from tests.factories import build_world
from tests.url_rules_inspections import scheduled_inspection

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("chromium") and not os.path.exists("/usr/bin/chromium"),
                       reason="Debian's chromium is not installed"),
]

# Playwright's sync API runs an event loop in this thread; the ORM calls between its steps are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
# Generous: on a 2-core CI machine the other test worker competes with the live server and Chromium.
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


_SNAPSHOT = {}


@pytest.fixture
def _reference_data(transactional_db):
    """The rows migrations load (roles, calendar, checklists …), put back after each test's flush.

    pytest-django's serialized_rollback does not restore them here on SQLite, so this module keeps
    its own copy, taken before its first test flushes the tables.
    """
    from django.contrib.auth.models import Group
    from django.db import connection

    if "data" not in _SNAPSHOT and Group.objects.exists():
        _SNAPSHOT["data"] = _without_regenerated_rows(connection.creation.serialize_db_to_string())
    elif not Group.objects.exists() and "data" in _SNAPSHOT:
        connection.creation.deserialize_db_from_string(_SNAPSHOT["data"])


def _without_regenerated_rows(data: str) -> str:
    """Content types and permissions come back by themselves after a flush (post_migrate)."""
    rows = [row for row in json.loads(data) if row["model"] not in {"contenttypes.contenttype", "auth.permission"}]
    for row in rows:
        if row["model"] == "auth.group":
            row["fields"].pop("permissions", None)
    return json.dumps(rows)


@pytest.fixture
def field(browser, live_server, _reference_data):
    world = build_world()
    inspection = scheduled_inspection(world)
    client = Client()
    client.force_login(world.inspector_x)
    context = browser.new_context(
        viewport={"width": 820, "height": 1180}, has_touch=True, is_mobile=True, device_scale_factor=1,
        geolocation={"latitude": 30.512345, "longitude": 114.301234, "accuracy": 15},
        permissions=["geolocation"], locale="zh-CN", base_url=live_server.url,
        bypass_csp=True,  # Playwright's string predicates use eval; the policy's own test: test_field_session_browser
    )
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
                          "path": "/"}])
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    yield world, inspection, context, page
    context.close()


def open_app(page):
    page.goto("/field/")
    page.wait_for_selector("body[data-ready='1']")


def wait_for_service_worker(page):
    page.wait_for_function("navigator.serviceWorker.controller !== null || "
                           "navigator.serviceWorker.ready.then(() => true)")
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("navigator.serviceWorker.controller !== null"):
        page.reload()
        page.wait_for_selector("body[data-ready='1']")
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def fill_in(page, inspection, non_compliant="gb-4.4"):
    """Answer every item through the UI; one non-compliant item with a photo."""
    page.click(f".card[data-inspection='{inspection.pk}'] a.btn")
    page.click("#start")
    sections = inspection.checklist.content["sections"]
    for section in sections:
        page.wait_for_selector(f".item[data-item='{section['items'][0]['code']}']")
        for item in section["items"]:
            box = page.locator(f".item[data-item='{item['code']}']")
            if item["answer"] == "compliance":
                value = "non_compliant" if item["code"] == non_compliant else "compliant"
                box.locator(f"button[data-value='{value}']").click()
                page.wait_for_selector(f".item[data-item='{item['code']}'] button[data-value='{value}'][aria-pressed='true']")
            elif item["answer"] == "number":
                box.locator("input[data-field='value']").fill("36")
                page.wait_for_function(f"document.querySelector(\".item[data-item='{item['code']}'] input\").value === '36'")
            else:
                box.locator("textarea[data-field='value']").fill("无")
            if item["code"] == non_compliant:
                note = page.locator(f".item[data-item='{item['code']}'] textarea[data-field='note']")
                note.fill("夜间交接班记录缺失")
                page.locator(f".item[data-item='{item['code']}'] input[type=file]").set_input_files(
                    {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": big_photo()})
                page.wait_for_selector(f".item[data-item='{item['code']}'] .thumbs img")
        page.click("#next")
    # Position and signatures.
    page.click("#gps")
    page.wait_for_selector("#pos:has-text('±')")
    first, second = page.locator("[data-signer^='o']").all()[:2]
    pad = first.locator("canvas").bounding_box()
    page.mouse.move(pad["x"] + 20, pad["y"] + 40)
    page.mouse.down()
    page.mouse.move(pad["x"] + 200, pad["y"] + 120, steps=8)
    page.mouse.up()
    first.locator("button[data-sign='drawn']").click()
    page.wait_for_selector("[data-signer^='o'] .state.sent")
    # The teammate confirms without drawing, with their own password.
    teammate = page.locator("[data-signer^='o']").nth(1)
    if teammate.locator("input[data-credential]").count():
        signer = int(teammate.get_attribute("data-signer")[1:])
        teammate.locator("input[data-credential]").fill("pw-" + inspection.team.get(pk=signer).user.username)
    teammate.locator("button[data-sign='confirmed']").click()
    page.wait_for_function("document.querySelectorAll(\"[data-signer^='o'] .state.sent\").length === 2")
    page.fill("input[data-rep-name]", "王院长")
    page.locator("[data-signer='rep'] button[data-sign='confirmed']").click()
    page.wait_for_selector("[data-signer='rep'] .state.sent")
    page.click("#to-review")
    page.wait_for_selector("#submit:not([disabled])")


def big_photo() -> bytes:
    """A 3000×2000 camera-sized JPEG: the app must downscale it to 2000 px on the long side."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (90, 140, 200)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def assert_one_complete_record(inspection):
    from PIL import Image

    inspection.refresh_from_db()
    assert inspection.status == "submitted"
    assert SyncRecord.objects.filter(inspection=inspection).count() == 1
    items = [item for _s, item in inspection.checklist.items() if item["answer"] != "text"]
    assert inspection.answers.exclude(value="").count() >= len(items)
    assert inspection.findings.get().item_code == "gb-4.4"
    photo = Photo.objects.get(inspection=inspection)
    assert photo.complete and photo.finding is not None
    assert max(Image.open(photo.file).size) == 2000
    assert inspection.signatures.filter(role=Signature.Role.INSPECTOR).count() == 2
    assert inspection.signatures.get(role=Signature.Role.INSPECTOR, method="drawn").image
    assert inspection.representative_name == "王院长"
    assert float(inspection.position_accuracy_m) == 15.0


def test_an_inspection_completed_online(field):
    world, inspection, context, page = field
    open_app(page)
    fill_in(page, inspection)
    page.click("#submit")
    page.wait_for_selector(".outbox-item[data-state='sent']")
    assert_one_complete_record(inspection)


def test_an_inspection_completed_offline_survives_a_reload_and_syncs_once(field):
    world, inspection, context, page = field
    open_app(page)
    wait_for_service_worker(page)
    context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#net").inner_text() != ""
    fill_in(page, inspection)
    page.click("#submit")
    page.wait_for_selector(".outbox-item[data-state='pending']")
    page.reload()  # still offline: the shell comes from the service worker, the data from IndexedDB
    page.wait_for_selector("body[data-ready='1']")
    page.goto(f"{page.url.split('#')[0]}#/outbox")
    page.wait_for_selector(".outbox-item[data-state='pending']")
    assert not SyncRecord.objects.exists()
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector(".outbox-item[data-state='sent']")
    assert_one_complete_record(inspection)


def test_a_lost_answer_then_a_retry_still_makes_one_record(field):
    world, inspection, context, page = field
    open_app(page)
    fill_in(page, inspection)
    lost = []

    def store_then_lose(route):
        route.fetch()  # the server stores the record …
        lost.append(True)
        route.abort()  # … and its answer never arrives

    page.route("**/field/api/sync/", store_then_lose)
    page.click("#submit")
    page.wait_for_function("document.querySelector('.outbox-item .msg') !== null")
    assert lost and SyncRecord.objects.count() == 1
    assert page.locator(".outbox-item").get_attribute("data-state") == "pending"
    page.unroute("**/field/api/sync/")
    page.click("#sync-now")
    page.wait_for_selector(".outbox-item[data-state='sent']")
    assert_one_complete_record(inspection)


def test_a_rejected_record_shows_why_and_keeps_the_local_data(field):
    world, inspection, context, page = field
    open_app(page)
    fill_in(page, inspection)

    def damage_signature(route):
        body = json.loads(route.request.post_data)
        for signature in body["records"][0]["signatures"]:
            if signature.get("image"):
                signature["image"] = "data:image/png;base64,AAAA"
        route.continue_(post_data=json.dumps(body))

    page.route("**/field/api/sync/", damage_signature)
    page.click("#submit")
    page.wait_for_selector(".outbox-item[data-state='failed'] .msg.err")
    assert page.locator(".outbox-item .msg.err").inner_text().strip()
    inspection.refresh_from_db()
    assert inspection.status != "submitted" and not SyncRecord.objects.exists()
    # The answers are still on the tablet after a reload.
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    page.goto(f"{page.url.split('#')[0]}#/i/{inspection.pk}/review")
    page.wait_for_selector("#submit:not([disabled])")
    assert Inspection.objects.get(pk=inspection.pk).answers.count() == 0


def _open_checklist(page, inspection):
    page.click(f".card[data-inspection='{inspection.pk}'] a.btn")
    page.click("#start")
    page.wait_for_selector(".item[data-item]")


def test_an_over_long_note_is_refused_on_the_tablet_with_the_announced_limit(field, settings):
    world, inspection, context, page = field
    settings.FIELD_MAX_NOTE_CHARS = 10  # announced in the bootstrap JSON
    open_app(page)
    _open_checklist(page, inspection)
    box = page.locator(".item[data-item='gb-4.4']")
    box.locator("button[data-value='non_compliant']").click()
    box.locator("textarea[data-field='note']").fill("夜间交接班记录缺失，值班人员未签字")
    message = page.wait_for_selector(".item[data-item='gb-4.4'] .msg.too-long")
    assert "10" in message.inner_text()
    page.goto(f"{page.url.split('#')[0]}#/i/{inspection.pk}/review")
    page.wait_for_selector("[data-problem-item='gb-4.4']")
    assert page.locator("#submit").is_disabled()


def test_the_review_names_each_unanswered_item_and_jumps_to_it(field):
    world, inspection, context, page = field
    open_app(page)
    _open_checklist(page, inspection)
    first = next(item for _s, item in inspection.checklist.items() if item["answer"] != "text")
    page.goto(f"{page.url.split('#')[0]}#/i/{inspection.pk}/review")
    problem = page.wait_for_selector(f"[data-problem-item='{first['code']}']")
    assert first["title"] in problem.inner_text()
    problem.query_selector("a.go-to-item").click()
    page.wait_for_selector(f".item.focus[data-item='{first['code']}']")


def test_a_photo_that_cannot_be_read_is_reported_to_the_inspector(field):
    world, inspection, context, page = field
    open_app(page)
    _open_checklist(page, inspection)
    code = inspection.checklist.content["sections"][0]["items"][0]["code"]
    page.locator(f".item[data-item='{code}'] input[type=file]").set_input_files(
        {"name": "broken.jpg", "mimeType": "image/jpeg", "buffer": b"this is not a picture"})
    message = page.wait_for_selector(f".item[data-item='{code}'] .photo-error")
    assert "broken.jpg" in message.inner_text()
    assert page.locator(f".item[data-item='{code}'] .thumbs img").count() == 0


def test_changing_an_answer_after_signing_clears_the_signatures(field):
    world, inspection, context, page = field
    open_app(page)
    fill_in(page, inspection)
    first = inspection.checklist.content["sections"][0]["items"][0]
    page.goto(f"{page.url.split('#')[0]}#/i/{inspection.pk}/s/0")
    page.locator(f".item[data-item='{first['code']}'] button[data-value='not_applicable']").click()
    page.wait_for_selector("#signatures-cleared")
    page.goto(f"{page.url.split('#')[0]}#/i/{inspection.pk}/sign")
    page.wait_for_selector("#signatures-cleared")
    assert page.locator("[data-signer] .state.sent").count() == 0


# --- the end of the login (issue 19) ----------------------------------------------------------------
# The outbox survives the end of the login (idle timeout, or the session gone): the field API answers
# 401 JSON, the app keeps every queued record, says to log in again with a link, and sends the records
# after the login.


def test_an_expired_session_keeps_the_outbox_and_it_syncs_after_the_login(field):
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

    from django.contrib.sessions.models import Session

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


def test_the_field_app_and_the_desk_run_under_the_content_security_policy(browser, live_server, _reference_data):
    """No bypass here: the policy is enforced, and no page reports a violation."""
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
