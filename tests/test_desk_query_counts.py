"""Each desk list page makes as many queries with 3N processes as with N: no query per row.

For every flow, N processes are built in district X, the queries of each list page counted
for an inspector, a head and the administrator; then 2N more are built and the pages counted
again. The counts must be equal, and at most MAX_QUERIES.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.url_rules_inspections import scheduled_inspection, submitted_inspection
from tests.url_rules_rectification import finding, inspection, issue, submit_via_task
from tests.url_rules_sampling import approve, more_institutions
from tests.url_rules_sampling import start as start_plan

MAX_QUERIES = 20
N = 2
PAGES = ("", "inbox/", "queue/", "archive/", "flows/", "tasks/")


def _add_spot_checks(world, n):
    for i in range(n):
        plan = start_plan(world, name=f"计划{world.serial}-{i}")
        if i % 2:
            approve(world, plan, world.head_x, world.civil_x)


def _add_inspections(world, n):
    from workflows.inspection.flows import start_process

    for i in range(n):
        if i % 2:
            submitted_inspection(world, head_review=True)
        else:
            start_process(scheduled_inspection(world))


def _add_rectifications(world, n):
    insp = inspection(world)
    for i in range(n):
        notice = issue(world, [finding(insp, "E")])
        if i % 2:
            submit_via_task(world, notice)


BUILDERS = {"spotcheck": _add_spot_checks, "inspection": _add_inspections, "rectification": _add_rectifications}


def _counts(client, world, flow):
    counts = {}
    for persona in ("inspector_x", "head_x", "admin"):
        client.force_login(getattr(world, persona))
        for page in PAGES:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/{flow}/{page}", follow=True)
            counts[persona, page] = (response.status_code, len(queries))
    return counts


@pytest.mark.parametrize("flow", sorted(BUILDERS))
def test_list_pages_make_the_same_queries_for_n_and_3n_processes(client, world, flow):
    more_institutions(world)
    world.serial = 0
    BUILDERS[flow](world, N)
    few = _counts(client, world, flow)
    world.serial = 1
    BUILDERS[flow](world, 2 * N)
    many = _counts(client, world, flow)

    assert many == few
    assert max(n for _, n in many.values()) <= MAX_QUERIES, many
