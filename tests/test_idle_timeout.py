"""A session idle for SESSION_IDLE_TIMEOUT_MINUTES ends; the field API then answers 401 JSON (the
tablet keeps its outbox: tests/test_field_browser.py), the desk redirects to the login."""

import datetime as dt

import pytest

from tests.clocks import local

pytestmark = pytest.mark.idle_timeout

DESK = "/libraries/institutions/"


@pytest.fixture
def at_nine(time_machine):
    time_machine.move_to(local(dt.date(2026, 11, 23), 9, 0), tick=False)
    return time_machine


def test_a_session_idle_past_the_timeout_ends(client, world, at_nine, settings):
    assert settings.SESSION_IDLE_TIMEOUT_MINUTES == 30
    client.force_login(world.head_x)
    assert client.get(DESK).status_code == 200
    at_nine.move_to(local(dt.date(2026, 11, 23), 9, 31), tick=False)
    response = client.get(DESK)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session(client, world, at_nine):
    client.force_login(world.head_x)
    for minute in (0, 25, 50, 75):  # never 30 minutes apart
        at_nine.move_to(local(dt.date(2026, 11, 23), 9 + minute // 60, minute % 60), tick=False)
        assert client.get(DESK).status_code == 200, minute


def test_the_field_api_answers_401_json_after_the_timeout(client, world, at_nine):
    client.force_login(world.inspector_x)
    assert client.get("/field/api/inspections/").status_code == 200
    at_nine.move_to(local(dt.date(2026, 11, 23), 10, 0), tick=False)
    response = client.post("/field/api/sync/", b'{"records": []}', content_type="application/json")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "login_required"
    assert body["login_url"] == "/accounts/login/?next=%2Ffield%2F"
    assert "重新登录" in body["message"]


def test_the_timeout_is_a_setting(client, world, at_nine, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 120
    client.force_login(world.head_x)
    client.get(DESK)
    at_nine.move_to(local(dt.date(2026, 11, 23), 10, 30), tick=False)
    assert client.get(DESK).status_code == 200
