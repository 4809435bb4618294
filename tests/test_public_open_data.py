"""Open data (/public/data/): CSV and JSON of the public facts with their declared fields, keyset
paging (after + limit, `next` and a Link header, no count), only what the pages publish, and a 400
naming the parameter at fault."""

import csv
import datetime as dt
import io

import pytest

from supervision.credit import penalties
from tests.clocks import local
from tests.factories import institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_day(time_machine):
    time_machine.move_to(local(dt.date(2026, 11, 23)), tick=False)


def test_keyset_pages_walk_every_institution_once(client, world):
    for n in range(7):
        institution(world.street_x1, name=f"开放{n}院")
    seen, url, pages = [], "/public/data/institutions.json?limit=3", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        assert "count" not in body
        seen += [row["id"] for row in body["rows"]]
        url = body["next"]
        assert (response.get("Link") is None) == (url is None)
        pages += 1
    assert pages == 3 and len(seen) == 9 and seen == sorted(set(seen))
    fields = client.get("/public/data/institutions.json").json()["fields"]
    assert {"key": "beds", "zh": "床位数", "en": "beds", "type": "integer"} in fields
    assert not any(f["key"] in ("legal_representative", "contact_person", "contact_phone") for f in fields)


def test_csv_has_both_names_in_the_header_and_the_same_rows(client, world):
    response = client.get("/public/data/institutions.csv", {"after": world.inst_p.pk - 1, "limit": 1})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2] == "机构名称 name"
    assert rows[1][2] == world.inst_p.name and len(rows) == 2
    assert 'rel="next"' in response["Link"]


def test_penalties_only_while_published(client, world, on_day):
    base = dict(violation_type="未按期整改", facts="内部", legal_basis="第四十六条", category="fine", content="罚款",
                fine="1.5", decision_date=dt.date(2026, 11, 2))
    penalties.record_penalty(world.head_x, world.inst_p, decision_number="罚1号", **base)
    gone = penalties.record_penalty(world.head_x, world.inst_p, decision_number="罚2号", **base)
    penalties.withdraw_penalty(world.head_x, gone, reason="撤销")
    penalties.record_penalty(world.head_x, world.inst_p, decision_number="罚3号", **{**base, "category": "warning"})
    rows = client.get("/public/data/penalties.json").json()["rows"]
    assert [r["decision_number"] for r in rows] == ["罚1号"]
    assert rows[0]["fine"] == "1.5000" and rows[0]["publication_ends"] == "2027-11-02"
    assert "facts" not in rows[0] and "legal_representative" not in rows[0]


@pytest.mark.parametrize(("query", "field"), [
    ({"limit": "5000"}, "limit"), ({"limit": "0"}, "limit"), ({"after": "-1"}, "after"),
    ({"after": "x"}, "after"), ({"after": str(2**70)}, "after"), ({"offset": "10"}, "offset"),
])
def test_bad_paging_is_a_400_naming_the_field(client, world, query, field):
    for fmt in ("json", "csv"):
        response = client.get(f"/public/data/institutions.{fmt}", query)
        assert response.status_code == 400
        assert response.json()["field"] == field


def test_an_unknown_dataset_is_404(client, world):
    assert client.get("/public/data/residents.json").status_code == 404
