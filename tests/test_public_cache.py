"""The public institution page and search are cached, and a change to the facts behind them shows at
once (disclosure/cache.py, signals.py); the open data answer conditional GETs with 304."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from supervision.registry.models import Institution
from tests.clocks import local
from tests.factories import institution
from tests.url_rules_rectification import finding, inspection

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_day(time_machine):
    time_machine.move_to(local(dt.date(2026, 11, 23)), tick=False)
    return time_machine


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def without_token(html):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_institution_page_is_served_from_the_cache(client, world, on_day):
    url = f"/public/institutions/{world.inst_p.pk}/"
    first = get(client, url)
    Institution.objects.filter(pk=world.inst_p.pk).update(address="不经信号改动的地址")  # no signal: not seen
    with CaptureQueriesContext(connection) as queries:
        second = get(client, url)
    assert without_token(second) == without_token(first) and "不经信号改动的地址" not in second
    assert len(queries) <= 2  # at most the session's: no fact is read again


def test_a_new_inspection_result_appears_at_once(client, world, on_day):
    url = f"/public/institutions/{world.inst_p.pk}/"
    assert 'class="inspection-result"' not in get(client, url)
    checked = inspection(world)
    checked.submitted_at = timezone.make_aware(dt.datetime(2026, 11, 20, 15))
    checked.save()
    finding(checked, "D", title="消防通道堵塞")
    html = get(client, url)
    assert html.count('class="inspection-result"') == 1 and "消防通道堵塞" in html


def test_a_change_after_the_commit_invalidates_again(client, world, on_day, django_capture_on_commit_callbacks):
    url = f"/public/institutions/{world.inst_p.pk}/"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.inst_p.address = "新地址1号"
        world.inst_p.save()
        racing = get(client, url)  # rendered during the writer's transaction and cached
    assert "新地址1号" in racing
    Institution.objects.filter(pk=world.inst_p.pk).update(address="提交后的地址")
    for callback in callbacks:  # the commit
        callback()
    assert "提交后的地址" in get(client, url)


def test_another_institution_keeps_its_cached_page(client, world, on_day):
    url_q = f"/public/institutions/{world.inst_q.pk}/"
    get(client, url_q)
    Institution.objects.filter(pk=world.inst_q.pk).update(address="未失效")
    world.inst_p.save()
    assert "未失效" not in get(client, url_q)


def test_the_search_is_cached_and_a_new_institution_appears_at_once(client, world, on_day):
    assert "颐乐园" not in get(client, "/public/institutions/", q="yly")
    with CaptureQueriesContext(connection) as queries:
        get(client, "/public/institutions/", q="yly")
    assert not any("registry_institution" in q["sql"] for q in queries.captured_queries)
    institution(world.street_x1, name="颐乐园")
    assert "颐乐园" in get(client, "/public/institutions/", q="yly")


def test_the_display_setting_and_the_day_are_part_of_the_key(client, world, on_day):
    url = f"/public/institutions/{world.inst_p.pk}/"
    assert "large-text" not in get(client, url).split("<body", 1)[1][:80]
    client.cookies["public_large"] = "1"
    assert "large-text" in get(client, url).split("<body", 1)[1][:80]
    with CaptureQueriesContext(connection) as same_day:
        get(client, url)
    on_day.shift(dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as next_day:
        get(client, url)
    assert len(next_day) > len(same_day)  # rendered afresh on a new day


def test_a_cached_page_carries_the_visitors_own_csrf_token(world, on_day):
    url = f"/public/institutions/{world.inst_p.pk}/"
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(url)
    html = second.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = second.post("/i18n/setlang/", {"language": "en", "next": url, "csrfmiddlewaretoken": token})
    assert response.status_code == 302  # not 403: the token is this visitor's


def test_open_data_answers_conditional_gets(client, world, on_day):
    url = "/public/data/institutions.json"
    response = client.get(url, {"limit": 10})
    etag, modified = response["ETag"], response["Last-Modified"]
    assert response.status_code == 200 and etag and modified
    assert client.get(url, {"limit": 10}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, {"limit": 10}, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, {"limit": 5}, HTTP_IF_NONE_MATCH=etag).status_code == 200  # another page
    csv = client.get("/public/data/institutions.csv")
    assert client.get("/public/data/institutions.csv", HTTP_IF_NONE_MATCH=csv["ETag"]).status_code == 304
    on_day.shift(dt.timedelta(seconds=5))
    institution(world.street_x1, name="颐乐园")
    changed = client.get(url, {"limit": 10}, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=modified)
    assert changed.status_code == 200 and changed["ETag"] != etag and "颐乐园" in changed.content.decode()
