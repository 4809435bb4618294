"""Officials see their department's jurisdiction; operators their own institution; in SQL, everywhere."""

import csv
import io

import openpyxl
import pytest

from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for

# Words that only exist in district Y of the test world.
TRACES_OF_Y = ["西山区", "西山福寿院", "松林街道", "inspector_y", "CERT-Y-1"]

DESK_LISTS = [
    "/libraries/institutions/",
    "/libraries/officials/",
    "/libraries/conflicts/",
    "/libraries/institutions/export/?format=csv",
    "/libraries/officials/export/?format=csv",
]


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_an_inspector_of_x_finds_no_trace_of_district_y_in_any_list_or_export(client, world):
    client.force_login(world.inspector_x)
    for url in DESK_LISTS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = body(response)
        leaks = [word for word in TRACES_OF_Y if word in text]
        assert leaks == [], f"{url} shows {leaks}"


def test_an_inspector_of_x_gets_404_for_an_institution_of_y(client, world):
    client.force_login(world.inspector_x)
    assert client.get(f"/libraries/institutions/{world.inst_q.pk}/detail/").status_code == 404
    assert client.get(f"/libraries/institutions/{world.inst_q.pk}/change/").status_code == 404


def test_searching_for_a_foreign_institution_finds_nothing(client, world):
    client.force_login(world.inspector_x)
    response = client.get("/libraries/institutions/", {"_search": "福寿"})
    text = body(response)
    assert f"/libraries/institutions/{world.inst_q.pk}/detail/" not in text
    assert world.inst_q.credit_code not in text


def test_filtering_by_a_foreign_district_does_not_reveal_it(client, world):
    client.force_login(world.inspector_x)
    response = client.get("/libraries/institutions/export/", {"format": "csv", "district": world.district_y.pk})
    rows = list(csv.reader(io.StringIO(body(response))))
    assert [r for r in rows[1:] if "西山" in "".join(r)] == []


def test_the_city_department_sees_both_districts(world):
    from tests.factories import official

    city_head = official("city_head", world.civil_city, "head").user
    names = set(institutions_for(city_head).values_list("name", flat=True))
    assert {"东湖颐养院", "西山福寿院"} <= names


def test_the_jurisdiction_filter_is_part_of_the_sql(world):
    queryset = institutions_for(world.inspector_x)
    sql = str(queryset.query)
    assert "LIKE" in sql and world.district_x.path in sql


def test_an_operator_sees_only_their_own_institution(client, world):
    client.force_login(world.operator_p)
    assert list(institutions_for(world.operator_p)) == [world.inst_p]
    response = client.get("/libraries/institutions/export/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["东湖颐养院"]
    assert client.get(f"/libraries/institutions/{world.inst_q.pk}/detail/").status_code == 404


def test_an_operator_moved_to_another_institution_loses_the_first(world):
    account = world.operator_p.institution_account
    account.institution = world.inst_q
    account.save()
    world.operator_p._supervision_actor = None
    del world.operator_p._supervision_actor
    assert list(institutions_for(world.operator_p)) == [world.inst_q]


def test_a_user_with_no_role_sees_nothing(world):
    from tests.factories import user

    nobody = user("nobody")
    assert not institutions_for(nobody).exists()
    assert actor_for(nobody).region_q("region") is not None


def test_export_keeps_the_list_filters(client, world):
    from tests.factories import institution

    institution(world.street_x2, name="柳岸日间照料中心", kind="day_care")
    client.force_login(world.head_x)
    response = client.get("/libraries/institutions/export/", {"format": "csv", "kind": "day_care"})
    rows = list(csv.reader(io.StringIO(body(response))))
    assert [r[1] for r in rows[1:]] == ["柳岸日间照料中心"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_have_chinese_headers_by_default(client, world, fmt):
    client.force_login(world.head_x)
    response = client.get("/libraries/institutions/export/", {"format": fmt})
    if fmt == "csv":
        header = next(csv.reader(io.StringIO(body(response))))
    else:
        header = next(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert header[0] == "统一社会信用代码" and header[1] == "名称"


def test_an_unknown_export_format_is_404(client, world):
    client.force_login(world.head_x)
    assert client.get("/libraries/institutions/export/", {"format": "pdf"}).status_code == 404
