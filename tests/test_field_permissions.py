"""An inspector not on the team cannot open, sync or download the inspection: 404, no hint it exists."""

import json

from tests.test_field_sync_api import full_record
from tests.url_rules_inspections import scheduled_inspection, uploaded_photo


def test_the_list_holds_only_my_teams_inspections(world, client):
    mine = scheduled_inspection(world)
    scheduled_inspection(world, team=[world.inspector_y, world.head_x], institution=world.inst_q,
                         department=world.civil_y)
    client.force_login(world.inspector_x)
    data = client.get("/field/api/inspections/").json()
    assert [i["id"] for i in data["inspections"]] == [mine.pk]
    assert data["checklists"][0]["sections"]


def test_officials_outside_the_team_get_404_everywhere(world, client):
    inspection = scheduled_inspection(world, team=[world.inspector_x, world.fire_inspector_x])
    photo = uploaded_photo(world.inspector_x, inspection)
    for outsider in (world.inspector_y, world.planner_x):
        client.force_login(outsider)
        assert client.get(f"/field/api/photos/{photo.client_uuid}/").status_code == 404
        assert client.get(f"/field/inspections/{inspection.pk}/record.pdf").status_code == 404
        response = client.post("/field/api/sync/", json.dumps({"records": [full_record(world, inspection)]}),
                               content_type="application/json")
        assert response.status_code == 404
        begin = {"uuid": "6f1c1c3e-2b0a-4c53-9d1e-7c1b6c2d9a10", "inspection": inspection.pk, "size": 1,
                 "sha256": "0" * 64}
        assert client.post("/field/api/photos/", json.dumps(begin), content_type="application/json").status_code == 404
        assert client.post(f"/field/api/photos/{photo.client_uuid}/?offset=0", b"x",
                           content_type="application/octet-stream").status_code == 404


def test_a_same_district_inspector_not_on_the_team_cannot_sync(world, client):
    from tests.factories import official

    other = official("inspector_x9", world.civil_x, "inspector").user
    inspection = scheduled_inspection(world)
    client.force_login(other)
    assert client.get("/field/api/inspections/").json()["inspections"] == []
    response = client.post("/field/api/sync/", json.dumps({"records": [full_record(world, inspection)]}),
                           content_type="application/json")
    assert response.status_code == 404
    assert client.get(f"/field/inspections/{inspection.pk}/record.pdf").status_code == 404
