"""The filing process: submitted → checked → returned → completed → checked → accepted, on the desk."""

import pytest
from viewflow.workflow.models import Task

from tests.builders.filings import TODAY, accepted, submitted


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


def _open_check(filing):
    from workflows.filing.flows import FilingsFlow

    return Task.objects.get(process__filingprocess__filing=filing, flow_task=FilingsFlow.check,
                            status__in=["NEW", "ASSIGNED"])


def _decide(client, task, **data):
    base = f"/filings/{task.process_id}/check/{task.pk}"
    assert client.post(f"{base}/assign/").status_code == 302
    return client.post(f"{base}/execute/", data)


def test_the_office_returns_the_filing_once_then_accepts_it(world, client, django_capture_on_commit_callbacks):
    from supervision.filings import services

    with django_capture_on_commit_callbacks(execute=True):
        filing = submitted(world)
    task = _open_check(filing)
    client.force_login(world.planner_x)
    assert client.get("/filings/queue/").status_code == 200
    response = _decide(client, task, decision="return", note="请补充服务场所租赁合同")
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == "returned"
    assert not Task.objects.filter(process=task.process, flow_task_type="HUMAN", status="NEW").exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.submit_filing(world.operator_p, filing)
    second = _open_check(filing)
    assert second.pk != task.pk
    page = client.get(f"/filings/{second.process_id}/check/{second.pk}/assign/")
    assert page.status_code == 200
    response = _decide(client, second, decision="accept")
    assert response.status_code == 302, response.content.decode()[:2000]
    filing.refresh_from_db()
    assert filing.state == "accepted" and filing.receipt_number
    filing.process.refresh_from_db()
    assert filing.process.status == "DONE"


def test_a_return_without_saying_what_to_add_is_refused_on_the_task_page(world, client,
                                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        filing = submitted(world)
    client.force_login(world.planner_x)
    response = _decide(client, _open_check(filing), decision="return", note="")
    assert response.status_code == 200
    filing.refresh_from_db()
    assert filing.state == "submitted"


def test_a_change_filing_shows_before_and_after(world, client, django_capture_on_commit_callbacks):
    from supervision.filings import services

    first = accepted(world)
    change = services.start_filing(world.operator_p, world.inst_p, "change")
    services.save_draft(world.operator_p, change, {"beds": 80, "legal_representative": "王五"})
    services.sign_commitment(world.operator_p, change, signer_name="王五", confirmed=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_filing(world.operator_p, change)
    client.force_login(world.planner_x)
    html = client.get(f"/filings/filings/{change.pk}/detail/").content.decode()
    assert "60" in html and "80" in html and "张三" in html and "王五" in html
    rows = {r.field: r for r in client.get(f"/filings/filings/{change.pk}/detail/").context["comparisons"][0][1]}
    assert (rows["beds"].before, rows["beds"].after, rows["beds"].changed) == ("60", "80", True)
    assert not rows["name"].changed
    _decide(client, _open_check(change), decision="accept")
    world.inst_p.refresh_from_db()
    assert (world.inst_p.beds, world.inst_p.legal_representative, world.inst_p.filing_status) == (
        80, "王五", "change_filed")
    assert first.receipt_number != change.__class__.objects.get(pk=change.pk).receipt_number


def test_a_closure_ends_operating_status_only_when_accepted(world, client, django_capture_on_commit_callbacks):
    from supervision.filings import services

    accepted(world)
    closure = services.start_filing(world.operator_p, world.inst_p, "closure")
    services.save_draft(world.operator_p, closure, {"closure_on": TODAY.date(),
                                                    "resettlement_plan": "32名老人转入湖滨颐养中心，家属已签字同意"})
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_filing(world.operator_p, closure)
    world.inst_p.refresh_from_db()
    assert world.inst_p.operating_status == "operating"
    client.force_login(world.planner_x)
    _decide(client, _open_check(closure), decision="return", note="安置方案需附老人名单")
    world.inst_p.refresh_from_db()
    assert world.inst_p.operating_status == "operating"
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_filing(world.operator_p, closure)
    _decide(client, _open_check(closure), decision="accept")
    world.inst_p.refresh_from_db()
    assert (world.inst_p.operating_status, world.inst_p.filing_status) == ("closed", "closure_filed")
