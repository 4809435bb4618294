"""The inspection desk shows each official only the inspections within reach, in few queries."""

import pytest

from tests.factories import official
from tests.url_rules_inspections import scheduled_inspection
from workflows.inspection.flows import processes_for, start_process


def _with_process(world, **fields):
    inspection = scheduled_inspection(world, **fields)
    start_process(inspection)
    return inspection


def test_the_lead_line_and_the_team_see_an_inspection_and_others_do_not(world):
    inspection = _with_process(world)
    process = inspection.process
    for user in (world.inspector_x, world.fire_inspector_x, world.head_x, world.planner_x, world.admin):
        assert processes_for(user).filter(pk=process.pk).exists(), user
    for user in (world.inspector_y, world.operator_p, world.operator_q):
        assert not processes_for(user).filter(pk=process.pk).exists(), user


def test_a_department_of_another_kind_sees_only_inspections_its_officials_are_on(world):
    other = _with_process(world, team=[world.inspector_x, world.head_x])
    assert not processes_for(world.fire_inspector_x).filter(pk=other.process.pk).exists()


def test_a_city_bureau_sees_its_districts_inspections_and_a_district_not_the_others(world):
    city_head = official("city_head", world.civil_city, "head").user
    x = _with_process(world)
    y = _with_process(world, institution=world.inst_q, department=world.civil_y,
                      team=[world.inspector_y, world.inspector_y])
    assert set(processes_for(city_head).values_list("pk", flat=True)) >= {x.process.pk, y.process.pk}
    assert not processes_for(world.head_x).filter(pk=y.process.pk).exists()


def test_an_institution_outside_the_jurisdiction_is_out_of_reach_even_for_the_lead_line(world):
    # A department of X leading a check in Y (wrongly) does not bring Y's institution into X's reach.
    stray = _with_process(world, institution=world.inst_q, team=[world.inspector_y, world.inspector_y])
    assert not processes_for(world.head_x).filter(pk=stray.process.pk).exists()


def test_an_outsider_gets_404_on_the_process_page(world, client):
    inspection = _with_process(world)
    client.force_login(world.inspector_y)
    assert client.get(f"/inspection/{inspection.process.pk}/").status_code == 404
    client.force_login(world.operator_p)
    assert client.get(f"/inspection/{inspection.process.pk}/").status_code == 403


def test_the_process_list_shows_the_inspection_columns(world, client):
    inspection = _with_process(world)
    client.force_login(world.head_x)
    page = client.get("/inspection/flows/").content.decode()
    assert world.inst_p.name in page and inspection.get_kind_display() in page
    client.force_login(world.inspector_y)
    assert world.inst_p.name not in client.get("/inspection/flows/").content.decode()


def test_the_process_detail_shows_the_inspection_and_its_notice(world, client):
    from tests.url_rules_inspections import extend_world

    extend_world(world)
    client.force_login(world.head_x)
    page = client.get(f"/inspection/{world.field_inspection.process.pk}/").content.decode()
    assert world.field_inspection.notice_number in page
    assert f"/field/inspections/{world.field_inspection.pk}/notice.pdf" in page
    page = client.get(f"/inspection/{world.desk_review.process.pk}/").content.decode()
    assert f"/field/inspections/{world.desk_review.pk}/record.pdf" in page
    assert f"{world.desk_review.publicity_deadline:%Y-%m-%d}" in page


@pytest.mark.parametrize("rows", [3, 12])
def test_the_process_list_makes_a_fixed_number_of_queries(world, client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        _with_process(world)
    client.force_login(world.head_x)
    with django_assert_max_num_queries(20):
        response = client.get("/inspection/flows/")
    assert response.status_code == 200
    assert response.content.decode().count(world.inst_p.name) >= rows


def test_more_inspections_do_not_mean_more_queries_on_the_process_list(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.head_x)
    counts = []
    for more in (2, 10):
        for _ in range(more):
            _with_process(world)
        with CaptureQueriesContext(connection) as queries:
            client.get("/inspection/flows/")
        counts.append(len(queries))
    assert counts[0] == counts[1]
