"""An official of one district finds no trace of another district's processes in any desk list.

The inspector of district Y looks at every list page of every flow (dashboard, inbox, queue,
archive, process list, task list). Then district X gets processes of every flow, with open and
finished tasks. Inspector Y's pages must not change by a single byte: no name, no number, no
count, no menu badge gives X's work away.
"""

import re

import pytest

from tests.url_rules_inspections import scheduled_inspection, submitted_inspection
from tests.url_rules_rectification import finding, inspection, issue, submit_via_task
from tests.url_rules_sampling import approve, more_institutions
from tests.url_rules_sampling import start as start_plan

FLOWS = ("spotcheck", "inspection", "rectification")
PAGES = ("", "inbox/", "queue/", "archive/", "flows/", "tasks/")


def _district_y_work(world):
    """An inspection and a rectification notice of district Y, worked by inspector_y."""
    from workflows.inspection.flows import start_process

    start_process(scheduled_inspection(world, team=[world.inspector_y], institution=world.inst_q,
                                       department=world.civil_y))
    insp = inspection(world, institution=world.inst_q, department=world.civil_y, team=("inspector_y",))
    return issue(world, [finding(insp, "D")], user=world.inspector_y)


def _district_x_work(world):
    """Processes of every flow in district X, in several states."""
    from workflows.inspection.flows import start_process

    more_institutions(world)
    start_plan(world, name="东湖区抽查计划")
    approve(world, start_plan(world, name="东湖区已批计划"), world.head_x, world.civil_x)
    start_process(scheduled_inspection(world))
    submitted_inspection(world, head_review=True)
    insp = inspection(world)
    issue(world, [finding(insp, "G")])
    submit_via_task(world, issue(world, [finding(insp, "E", title="东湖区特有问题")]))


def _normalised(content: bytes) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


def _desk_pages(client):
    pages = {}
    for flow in FLOWS:
        for page in PAGES:
            response = client.get(f"/{flow}/{page}", follow=True)
            assert response.status_code == 200, (flow, page)
            pages[f"/{flow}/{page}"] = _normalised(response.content)
    return pages


@pytest.mark.django_db(transaction=False)
def test_the_inspector_of_y_finds_no_trace_of_district_x_in_any_desk_list(client, world):
    notice_y = _district_y_work(world)
    client.force_login(world.inspector_y)
    before = _desk_pages(client)
    assert str(notice_y.process.pk) in before["/rectification/flows/"]  # Y's own work is listed

    _district_x_work(world)
    after = _desk_pages(client)

    changed = [url for url in before if before[url] != after[url]]
    assert changed == []
    for page in after.values():
        assert "东湖" not in page and "东湖区特有问题" not in page


def test_district_x_work_is_listed_for_its_own_head(client, world):
    """The check above is not vacuous: the head of X finds every one of X's processes listed."""
    from viewflow.workflow.models import Process

    _district_x_work(world)
    client.force_login(world.head_x)
    for flow in FLOWS:
        page = client.get(f"/{flow}/flows/").content.decode()
        processes = [p for p in Process.objects.all() if p.flow_class.__name__.lower().startswith(flow[:8])]
        assert processes, flow
        for process in processes:
            assert f"/{flow}/{process.pk}/" in page, (flow, process.pk)
