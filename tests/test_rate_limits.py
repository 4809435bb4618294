"""Rate limits (supervision/core/ratelimit.py): login, public search, open data, the field sync API;
429 with a Chinese message and Retry-After; the limits are settings; counted per window of the clock."""

import datetime as dt

import pytest
from django.core.cache import cache

from supervision.core.ratelimit import parse_rate
from tests.clocks import local

pytestmark = pytest.mark.rate_limits


@pytest.fixture(autouse=True)
def _small_limits(settings, time_machine):
    cache.clear()
    time_machine.move_to(local(dt.date(2026, 11, 23), 9, 0, ), tick=False)
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": "3/m", "public_search": "3/m", "open_data": "2/m",
                            "field_sync": "2/m", "concern_track": "2/m"}
    yield time_machine
    cache.clear()


def test_the_public_search_answers_429_in_chinese_past_its_limit(client, db):
    answers = [client.get("/public/institutions/?q=养老", REMOTE_ADDR="10.0.0.1") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert "请求过于频繁" in refused.content.decode()
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Cache-Control"] == "private, no-store"  # never the search's public max-age
    assert client.get("/public/institutions/?q=养老", REMOTE_ADDR="10.0.0.2").status_code == 200  # another client


def test_the_limit_opens_again_in_the_next_window(client, db, _small_limits):
    for _ in range(3):
        client.get("/public/institutions/", REMOTE_ADDR="10.0.0.1")
    assert client.get("/public/institutions/", REMOTE_ADDR="10.0.0.1").status_code == 429
    _small_limits.move_to(local(dt.date(2026, 11, 23), 9, 1), tick=False)
    assert client.get("/public/institutions/", REMOTE_ADDR="10.0.0.1").status_code == 200


def test_open_data_answers_429_json(client, db):
    for _ in range(2):
        assert client.get("/public/data/institutions.json").status_code == 200
    refused = client.get("/public/data/institutions.json")
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited" and "请求过于频繁" in refused.json()["message"]
    assert client.get("/public/data/institutions.csv").status_code == 429  # one limit for both formats


def test_login_posts_are_limited_per_address(client, db):
    answers = [client.post("/accounts/login/", {"username": f"u{n}", "password": "x"}, REMOTE_ADDR="10.0.0.3")
               for n in range(4)]
    assert answers[-1].status_code == 429
    assert client.get("/accounts/login/", REMOTE_ADDR="10.0.0.3").status_code == 200  # the form still opens


def test_the_field_sync_api_is_limited_per_inspector(client, world):
    client.force_login(world.inspector_x)
    answers = [client.post("/field/api/sync/", b'{"records": []}', content_type="application/json")
               for _ in range(3)]
    assert [a.status_code for a in answers[:2]] != [429, 429]
    assert answers[-1].status_code == 429 and answers[-1].json()["error"] == "rate_limited"
    client.force_login(world.fire_inspector_x)
    assert client.post("/field/api/sync/", b'{"records": []}', content_type="application/json").status_code != 429


def test_the_limits_can_be_switched_off(client, db, settings):
    settings.RATE_LIMIT_ENABLED = False
    assert {client.get("/public/institutions/").status_code for _ in range(6)} == {200}


@pytest.mark.parametrize("rate, parsed", [("10/m", (10, 60)), ("20/10m", (20, 600)), ("5/300", (5, 300)),
                                          ("100/h", (100, 3600)), ("1/d", (1, 86400))])
def test_rates_are_read_as_count_and_seconds(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["0/m", "ten/m", "10/x", "10", "10/0"])
def test_malformed_rates_are_refused(rate):
    with pytest.raises(ValueError):
        parse_rate(rate)


def test_tracking_codes_cannot_be_tried_by_the_thousand(client, db):
    answers = [client.get(f"/public/concerns/track/?code=ABCD{n:012d}", REMOTE_ADDR="10.0.0.9") for n in range(3)]
    assert [a.status_code for a in answers][-1] == 429
    assert answers[0].status_code != 429
