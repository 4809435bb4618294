"""The public search (/public/institutions/): by Chinese name, full pinyin or its initials, in SQL,
with the filters, the sort and the pager; a bad filter is a clear 400 naming the field."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.registry.models import CreditClass, FilingStatus, Institution, InstitutionKind
from supervision.registry.pinyin import query_key, search_key
from tests.factories import institution

pytestmark = pytest.mark.django_db


def names(response):
    return [row.name for row in response.context["page"]]


def test_the_key_holds_the_full_pinyin_and_the_initials():
    assert search_key("颐乐园") == "yileyuan|yly"
    assert search_key("ABC护理院2号") == "abchuliyuan2hao|abchly2h"
    assert query_key(" Y L-Y ") == "yly"


def test_the_key_is_kept_on_save_and_on_rename(world):
    home = institution(world.street_x1, name="颐乐园")
    assert Institution.objects.get(pk=home.pk).name_pinyin == "yileyuan|yly"
    home.name = "长寿园"
    home.save(update_fields=["name"])
    assert Institution.objects.get(pk=home.pk).name_pinyin == "changshouyuan|csy"


def test_the_data_migration_fills_the_existing_rows(world):
    home = institution(world.street_x1, name="颐乐园")
    Institution.objects.filter(pk=home.pk).update(name_pinyin="")
    migration = importlib.import_module("supervision.registry.migrations.0007_institution_name_pinyin")
    migration.fill_name_pinyin(django_apps, None)
    assert Institution.objects.get(pk=home.pk).name_pinyin == "yileyuan|yly"


@pytest.mark.parametrize("typed", ["颐乐", "yly", "YLY", "yileyuan", "leyuan"])
def test_a_visitor_finds_it_by_name_pinyin_or_initials(client, world, typed):
    institution(world.street_x1, name="颐乐园")
    institution(world.street_x1, name="长青苑")
    response = client.get("/public/institutions/", {"q": typed})
    assert response.status_code == 200
    assert names(response) == ["颐乐园"]


def test_the_search_is_one_query_in_sql(client, world):
    for n in range(30):
        institution(world.street_x1, name=f"颐乐园{n}")
    with CaptureQueriesContext(connection) as queries:
        client.get("/public/institutions/", {"q": "yly"})
    search = [q["sql"] for q in queries.captured_queries if "name_pinyin" in q["sql"] and "LIKE" in q["sql"].upper()]
    assert len(search) == 1 and "LIMIT 26" in search[0]  # one page and one row more: no count


def test_filters_sort_and_pages(client, world):
    institution(world.street_x1, name="甲院", beds=10, kind=InstitutionKind.DAY_CARE, credit_class=CreditClass.A,
                filing_status=FilingStatus.FILED)
    institution(world.street_x2, name="乙院", beds=300, credit_class=CreditClass.C)
    institution(world.street_y1, name="丙院", beds=120)
    get = lambda **q: names(client.get("/public/institutions/", q))  # noqa: E731
    assert set(get(district=world.district_x.pk)) == {"甲院", "乙院", "东湖颐养院"}
    assert get(street=world.street_x2.pk) == ["乙院"]
    assert get(kind="day_care") == ["甲院"]
    assert get(grade="C") == ["乙院"]
    assert get(filing="filed") == ["甲院"]
    assert get(beds_min=100, beds_max=200) == ["丙院"]
    assert get(sort="-beds", beds_min=100) == ["乙院", "丙院"]
    assert get(sort="name", q="院")[:2] == ["丙院", "东湖颐养院"]  # by pinyin: bing, dong…
    for n in range(30):
        institution(world.street_y1, name=f"松林{n:02d}院")
    first = client.get("/public/institutions/", {"q": "songlin"})
    assert len(names(first)) == 25 and first.context["page"].has_next()
    second = client.get("/public/institutions/", {"q": "songlin", "page": 2})
    assert len(names(second)) == 5


def test_bad_input_is_a_400_naming_the_field(client, world):
    response = client.get("/public/institutions/", {"beds_min": "many"})
    assert response.status_code == 400
    assert "beds_min-errors" in response.content.decode()
    response = client.get("/public/institutions/", {"beds_min": 50, "beds_max": 10})
    assert response.status_code == 400 and "beds_max-errors" in response.content.decode()


@pytest.mark.postgres
def test_on_postgresql_the_substring_search_has_trigram_indexes(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'registry_institution'")
        indexes = dict(cursor.fetchall())
    assert "gin_trgm_ops" in indexes["registry_institution_pinyin_trgm"]
    assert "gin_trgm_ops" in indexes["registry_institution_name_trgm"]


def _registry_of_a_city(world, count=3000):
    """Many institutions with statistics, as in production: on a near-empty table the planner is
    free to pick any plan (any index scan with a filter is as cheap as the trigram index), so a
    plan test is only meaningful with rows and a fresh ANALYZE."""
    syllables = "松林福寿康和春晖泰德"  # no initial y: the match below stays selective
    rows = []
    for n in range(count):
        name = "".join(syllables[int(d)] for d in f"{n:04d}") + "护理院"
        rows.append(Institution(name=name, name_pinyin=search_key(name), kind=InstitutionKind.RESIDENTIAL,
                                ownership="private", address=f"测试路{n}号", region=world.street_x1,
                                legal_representative="张三", credit_code_pending_reason="test"))
    Institution.objects.bulk_create(rows, batch_size=1000)
    institution(world.street_x1, name="颐乐园")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE registry_institution")


@pytest.mark.postgres
@pytest.mark.parametrize("typed, indexes", [
    ("yly", ["registry_institution_name_trgm", "registry_institution_pinyin_trgm"]),
    ("yileyuan", ["registry_institution_name_trgm", "registry_institution_pinyin_trgm"]),
    ("颐乐园", ["registry_institution_name_trgm"]),  # no pinyin key: the name alone
])
def test_on_postgresql_the_search_page_query_uses_the_trigram_indexes(world, typed, indexes):
    from supervision.disclosure.views import PER_PAGE, search_institutions

    _registry_of_a_city(world)
    page_query = search_institutions({"q": typed})[:PER_PAGE + 1]  # the query the page runs
    sql, params = page_query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for index in indexes:
        assert index in plan, plan
    assert [row.name for row in page_query] == ["颐乐园"]


def test_a_match_the_trigrams_serve_is_not_ordered_along_the_pinyin_btree(world):
    """With LIMIT 26 the planner may walk the name_pinyin B-tree in order and filter (most of the
    index for initials like "slf"): a text of three letters or more is sorted after the match."""
    from supervision.disclosure.views import search_institutions

    ordered_walk = 'ORDER BY "registry_institution"."name_pinyin" ASC'
    assert ordered_walk not in str(search_institutions({"q": "slf"}).query)
    assert ordered_walk not in str(search_institutions({"q": "康和园"}).query)
    assert ordered_walk in str(search_institutions({"q": "kh"}).query)  # no trigram, broad: the walk is right
    assert ordered_walk in str(search_institutions({"q": "康和"}).query)
    assert ordered_walk in str(search_institutions({}).query)
