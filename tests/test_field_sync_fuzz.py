"""Fuzzing the field sync API and the photo protocol (issue 19): zero server errors.

Random and hostile JSON (strings, huge numbers, wrong types, deep nesting), and valid records with
one field swapped for such a value. Every answer is a 200 or a 4xx that says what is wrong; a
refused request leaves no record behind.
"""

import copy
import json
import uuid
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_field_sync_api import full_record, signed
from tests.url_rules_inspections import scheduled_inspection

pytestmark = pytest.mark.django_db
FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                       HealthCheck.too_slow])

HOSTILE_STRINGS = st.sampled_from([
    "", " ", "../", "../../etc/passwd", "abc", "NaN", "Infinity", "-1", "0", "1e309", "99999999999999999999",
    "2026-13-45", "2026-02-30", "2026-02-30T10:00:00Z", "0001-01-01", "9999-12-31T23:59:59Z", "null", "true",
    "<script>alert(1)</script>", "'; DROP TABLE inspections_inspection; --", "\x00", "\ud800", "𝕏" * 100,
    "x" * 70_000, "6f1c3d0e-0000-4000-8000-000000000000", "non_compliant", "drawn", "data:image/png;base64,AAAA",
])
HUGE_NUMBERS = st.sampled_from([2**63, -(2**63) - 1, 10**20, 10**400, 1e308, -1e308, 0.1, -0.0, -1, 0])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), HUGE_NUMBERS,
                    st.text(max_size=30), HOSTILE_STRINGS)
JSON = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                    max_leaves=20)


def _nested(depth: int) -> str:
    return '{"records": ' + "[" * depth + "]" * depth + "}"


def assert_answered(response):
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        body = response.json()
        assert body.get("message") or body.get("error"), body


def post(client, url, raw):
    return client.post(url, raw, content_type="application/json")


def _paths(value, prefix=()):
    """Every place in a record where a value can be swapped."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            yield from _paths(inner, (*prefix, n))


def _swap(record, path, new):
    if not path:
        return new
    target = record
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return record


@pytest.fixture
def inspection(world, client):
    client.force_login(world.inspector_x)
    return scheduled_inspection(world)


@FUZZ
@given(body=JSON)
def test_random_json_never_breaks_the_sync_api(client, inspection, body):
    assert_answered(post(client, "/field/api/sync/", json.dumps(body)))
    assert_answered(post(client, "/field/api/sync/", json.dumps({"records": [body]})))


@FUZZ
@given(depth=st.integers(min_value=1, max_value=20_000))
def test_deep_nesting_never_breaks_the_sync_api(client, inspection, depth):
    assert_answered(post(client, "/field/api/sync/", _nested(depth)))


@FUZZ
@given(data=st.data(), value=JSON)
def test_a_valid_record_with_one_field_swapped_for_a_hostile_value_is_answered(world, client, inspection, data,
                                                                               value):
    record = signed(full_record(world, inspection))
    record["uuid"] = str(uuid.uuid4())  # a stored one would only be a duplicate
    path = data.draw(st.sampled_from(list(_paths(record))))
    hostile = _swap(copy.deepcopy(record), path, value)
    assert_answered(post(client, "/field/api/sync/", json.dumps({"records": [hostile]})))


@FUZZ
@given(data=st.data(), value=JSON)
def test_the_photo_protocol_never_breaks(client, inspection, data, value):
    begin = {"uuid": str(uuid.uuid4()), "inspection": inspection.pk, "item": "gb-4.4", "size": 10,
             "sha256": "a" * 64, "taken_at": "2026-12-01T01:00:00Z"}
    path = data.draw(st.sampled_from(list(_paths(begin))))
    assert_answered(post(client, "/field/api/photos/", json.dumps(_swap(copy.deepcopy(begin), path, value))))
    offset = data.draw(st.one_of(st.integers(), HOSTILE_STRINGS, st.text(max_size=12)))
    response = client.post(f"/field/api/photos/{begin['uuid']}/?" + urlencode({"offset": offset}, errors="surrogatepass"), b"xx",
                           content_type="application/octet-stream")
    assert response.status_code < 500
