"""The listing process on the desk: proposal → second official's review → prior notice → delivery →
representation period → verification → the head's decision → joint-punishment notices acknowledged
→ removal, through the task URLs (assign, execute), with the clock moved for the timers."""

import datetime as dt

import pytest
from django.utils import translation
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from supervision.listings import services
from supervision.listings.models import ListingCase, PartnerNotice, Stage
from tests.builders.listing_flow import (
    after_the_period,
    answer_reviewed,
    decided,
    node_task,
    notified,
    opened,
    represented,
    reviewed,
)
from tests.builders.listings import PDF, market_department, photo
from tests.clocks import local
from workflows.listing.flows import ListingsFlow, open_tasks, start_process
from workflows.listing.models import ListingProcess

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 2)


@pytest.fixture(autouse=True)
def _monday(time_machine):
    time_machine.move_to(local(MONDAY, 9), tick=False)


def _open(case, node, **filters) -> Task:
    task = open_tasks(case, getattr(ListingsFlow, node), **filters).first()
    assert task is not None, f"no open {node} task"
    return task


def _take_and_do(client, user, task, data=None):
    """Assign the task to `user` and execute it with `data`; the execute response."""
    client.force_login(user)
    base = f"/listings/{task.process_id}/{task.flow_task.name}/{task.pk}"
    assert client.post(f"{base}/assign/").status_code == 302
    return client.post(f"{base}/execute/", data or {})


def test_a_case_goes_from_the_proposal_to_removal_through_the_task_pages(
        client, world, time_machine, django_capture_on_commit_callbacks, settings):
    market_department(world)
    client.force_login(world.inspector_x)
    proposal = {"list_kind": "blacklist", "ground": "7", "subject_kind": "institution",
                "facts": "检查中拒不提供消防检查记录，伪造值班记录。", "evidence": [photo()]}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/listings/propose/{world.inst_p.pk}/", proposal).status_code == 302
    case = ListingCase.objects.get()
    process = ListingProcess.objects.get(case=case)
    review = _open(case, "review")
    client.force_login(world.head_x)
    assert client.get("/listings/queue/").status_code == 200
    assert ListingsFlow.instance.queue_q(world.head_x) and Task.objects.filter(
        ListingsFlow.instance.queue_q(world.head_x), pk=review.pk).exists()

    response = _take_and_do(client, world.head_x, review, {"agree": "yes", "note": "证据充分"})
    assert response.status_code == 302, response.content.decode()[:1500]
    response = _take_and_do(client, world.inspector_x, _open(case, "issue_notice"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.prior_notice_number and case.stage == Stage.REPRESENTATION
    assert open_tasks(case, ListingsFlow.delivery).exists()  # waiting for the delivery

    # The institution opens its case: the read receipt delivers it; its answer task opens.
    client.force_login(world.operator_p)
    assert client.get(f"/listings/cases/{case.pk}/detail/").status_code == 200
    case.refresh_from_db()
    assert case.delivery_method == "account"
    answer = {"statement": "我院已于次日补齐记录，请求不予列入。", "files": [photo("说明.png")]}
    assert _take_and_do(client, world.operator_p, _open(case, "representation"), answer).status_code == 302
    review = {"founded": "no", "review": "经核实，记录系事后补造。"}
    assert _take_and_do(client, world.inspector_x, _open(case, "review_answer"), review).status_code == 302

    # An answer does not shorten the period: no decision task until the day after its deadline,
    # and the desk's decision page sends the head to the process instead of deciding.
    assert not open_tasks(case, ListingsFlow.decide).exists()
    client.force_login(world.head_x)
    early = client.post(f"/listings/cases/{case.pk}/decide/", {"decision": "list", "reasons": "依法列入。"})
    assert early.status_code == 302 and early.url == f"/listings/{process.pk}/"
    case.refresh_from_db()
    assert not case.decision
    time_machine.move_to(local(case.representation_deadline, 20), tick=False)
    assert fire_due_timers() == 0
    time_machine.move_to(local(case.representation_deadline + dt.timedelta(days=1), 9), tick=False)
    assert fire_due_timers() == 1
    decision = {"decision": "list", "reasons": "申辩不成立，依法列入。"}
    assert _take_and_do(client, world.head_x, _open(case, "decide"), decision).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.LISTED and case.decision_number

    # One acknowledgement task per partner department, each taken only by that department.
    acknowledgements = list(open_tasks(case, ListingsFlow.acknowledge))
    assert {t.data["department"] for t in acknowledgements} == {world.fire_x.pk, world.market_x.pk}
    fire_task = _open(case, "acknowledge", data__department=world.fire_x.pk)
    client.force_login(world.market_official_x)
    assert client.post(f"/listings/{process.pk}/acknowledge/{fire_task.pk}/assign/").status_code == 403
    assert _take_and_do(client, world.fire_inspector_x, fire_task, {"measures": "限制参与评优"}).status_code == 302
    # The partner page's acknowledgement now sends the department to its task page.
    market = PartnerNotice.objects.get(case=case, department=world.market_x)
    client.force_login(world.market_official_x)
    redirected = client.post(f"/listings/partner-notices/{market.pk}/", {"measures": ""})
    market_task = _open(case, "acknowledge", data__department=world.market_x.pk)
    assert redirected.url == f"/listings/{process.pk}/acknowledge/{market_task.pk}/"
    assert _take_and_do(client, world.market_official_x, market_task, {"measures": ""}).status_code == 302
    assert not PartnerNotice.objects.filter(case=case, acknowledged_at__isnull=True).exists()
    assert open_tasks(case, ListingsFlow.in_publication).exists()

    # Publication ends at the maximum period (the periodic job), and with it the process.
    time_machine.move_to(local(case.publication_ends_on, 9), tick=False)
    assert services.end_expired_listings() == 1
    process.refresh_from_db()
    assert process.status == "DONE"
    assert node_task(case, "removed").status == "DONE"


def test_a_written_waiver_brings_the_decision_at_once_and_a_dismissal_ends_the_process(world, client):
    case = notified(world, reviewed(world, opened(world)))
    waiver = {"waiver": "on", "statement": "我院放弃陈述申辩。", "files": [photo()]}
    assert _take_and_do(client, world.operator_p, _open(case, "representation"), waiver).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.TO_DECIDE and services.clock.today() <= case.representation_deadline
    dismissal = {"decision": "dismiss", "reasons": "情节轻微，已改正。"}
    assert _take_and_do(client, world.head_x, _open(case, "decide"), dismissal).status_code == 302
    case.process.refresh_from_db()
    assert case.process.status == "DONE" and node_task(case, "dismissed").status == "DONE"


def test_the_representation_period_closes_by_its_timer_when_the_institution_does_not_answer(world):
    case = notified(world, reviewed(world, opened(world)))
    representation = _open(case, "representation")
    time_machine_day = after_the_period(case)
    assert time_machine_day == case.representation_deadline + dt.timedelta(days=1)
    representation.refresh_from_db()
    assert representation.status == "CANCELED"
    assert open_tasks(case, ListingsFlow.decide).exists()
    case = ListingCase.objects.with_stage(time_machine_day).get(pk=case.pk)
    assert case.stage == Stage.TO_DECIDE


def test_paper_delivery_recorded_on_the_desk_opens_the_institutions_task(world, client):
    case = reviewed(world, opened(world))
    client.force_login(world.inspector_x)
    assert _take_and_do(client, world.inspector_x, _open(case, "issue_notice")).status_code == 302
    client.force_login(world.planner_x)
    assert client.post(f"/listings/cases/{case.pk}/delivery/", {"received_by_name": "李四"}).status_code == 302
    case.refresh_from_db()
    assert case.delivery_method == "paper"
    assert open_tasks(case, ListingsFlow.representation).exists()


def test_the_proposer_cannot_review_their_own_proposal(world, client):
    case = opened(world)
    review = _open(case, "review")
    client.force_login(world.inspector_x)
    assert not Task.objects.filter(ListingsFlow.instance.queue_q(world.inspector_x), pk=review.pk).exists()
    assert client.post(f"/listings/{review.process_id}/review/{review.pk}/assign/").status_code == 403
    # The desk's review page refuses them too, and the service names the rule.
    assert client.get(f"/listings/cases/{case.pk}/review/").status_code == 403
    with translation.override("en"), pytest.raises(services.ValidationError, match="second official"):
        services.review_proposal(world.inspector_x, case, agree=True)
    # Another official of the department takes it.
    assert _take_and_do(client, world.planner_x, review, {"agree": "yes", "note": "同意"}).status_code == 302


def test_a_second_open_case_on_the_same_ground_is_refused_with_the_rule(world, client,
                                                                        django_capture_on_commit_callbacks):
    opened(world, ground="7")
    client.force_login(world.planner_x)
    proposal = {"list_kind": "blacklist", "ground": "7", "subject_kind": "institution",
                "facts": "再次发现伪造记录。", "evidence": [photo()]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/listings/propose/{world.inst_p.pk}/", proposal)
    assert response.status_code == 200
    assert "同一对象同一事由只能有一件在办案件" in response.content.decode()  # the rule, in the page's Chinese
    assert ListingCase.objects.count() == 1 and ListingProcess.objects.count() == 1


def test_a_retry_never_duplicates_a_process_a_task_or_a_notice(world, client, django_capture_on_commit_callbacks):
    market_department(world)
    case = opened(world)
    assert start_process(case) == case.process  # a second start returns the process it has
    assert ListingProcess.objects.filter(case=case).count() == 1
    review = _open(case, "review")
    assert _take_and_do(client, world.head_x, review, {"agree": "yes", "note": "同意"}).status_code == 302
    again = client.post(f"/listings/{review.process_id}/review/{review.pk}/execute/", {"agree": "yes", "note": "x"})
    assert again.status_code == 403  # a done task is not done twice
    case.refresh_from_db()
    assert case.review_note == "同意"
    assert Task.objects.filter(process=case.process, flow_task=ListingsFlow.issue_notice).count() == 1
    case = answer_reviewed(world, represented(world, notified(world, case)))
    decided(world, case, day=after_the_period(case))
    assert case.partner_notices.count() == 2
    assert open_tasks(case, ListingsFlow.acknowledge).count() == 2
    services.notify_partners(case)  # a retry of the publication sends nothing twice
    assert case.partner_notices.count() == 2


def test_an_overdue_major_fire_hazard_starts_a_process_for_the_head(world, client, time_machine,
                                                                    django_capture_on_commit_callbacks):
    from tests.url_rules_rectification import finding, inspection, issue

    notice = issue(world, [finding(inspection(world), "J", major=True, fire=True)], today=MONDAY)
    time_machine.move_to(local(notice.deadline + dt.timedelta(days=1), 9), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        fire_due_timers()
    case = ListingCase.objects.get(ground="4", automatic=True)
    review = _open(case, "review")
    # Opened automatically: a head reviews it; the department's other officials do not.
    assert not Task.objects.filter(ListingsFlow.instance.queue_q(world.inspector_x), pk=review.pk).exists()
    assert Task.objects.filter(ListingsFlow.instance.queue_q(world.head_x), pk=review.pk).exists()
    assert _take_and_do(client, world.head_x, review, {"agree": "yes", "note": "逾期未改属实"}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        fire_due_timers()
    assert ListingProcess.objects.filter(case__ground="4").count() == 1


def test_unacknowledged_notices_are_chased_by_the_timer_the_day_after_their_date(world, time_machine):
    market_department(world)
    case = answer_reviewed(world, represented(world, notified(world, reviewed(world, opened(world)))))
    decided(world, case, day=after_the_period(case))
    due = case.partner_notices.first().acknowledge_by
    time_machine.move_to(local(due, 20), tick=False)
    assert fire_due_timers() == 0
    time_machine.move_to(local(due + dt.timedelta(days=1), 9), tick=False)
    fire_due_timers()
    assert sorted(case.partner_notices.values_list("chases", flat=True)) == [1, 1]
    assert Task.objects.filter(process=case.process, flow_task=ListingsFlow.chased).exists()
    assert services.chase_unacknowledged() == 0  # once a day, the periodic job included
    assert open_tasks(case, ListingsFlow.acknowledge).count() == 2  # still waiting for them


def test_a_pdf_evidence_file_is_accepted_on_the_answer_page(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    case = notified(world, reviewed(world, opened(world)))
    answer = {"statement": "申辩。", "files": [SimpleUploadedFile("说明.pdf", PDF, content_type="application/pdf")]}
    assert _take_and_do(client, world.operator_p, _open(case, "representation"), answer).status_code == 302
    assert case.files.filter(purpose="answer").count() == 1
