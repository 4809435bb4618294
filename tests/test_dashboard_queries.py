"""The dashboard makes as many queries with 3N institutions, inspections and notices as with N."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.url_rules_inspections import submitted_inspection
from tests.url_rules_rectification import finding, inspection, issue
from tests.url_rules_sampling import more_institutions

N = 2


def _add(world, n):
    for _ in range(n):
        more_institutions(world, classes=("A", "C"))
        submitted_inspection(world)
        issue(world, [finding(inspection(world), "E")])


def _queries(client, world):
    counts = {}
    for persona in ("head_x", "admin"):
        client.force_login(getattr(world, persona))
        for url in ("/dashboard/", "/dashboard/export/coverage_areas.xlsx"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts[persona, url] = len(queries)
    return counts


def test_the_dashboard_makes_the_same_queries_for_n_and_3n_institutions(client, world):
    _add(world, N)
    few = _queries(client, world)
    _add(world, 2 * N)
    many = _queries(client, world)
    assert many == few, many
