"""A task URL names its step (`/<flow>/<process>/<node>/<task>/<action>/`): a task of another step of
the same process is not found there (404), whoever asks, and nothing is written.

The first test is generated from the flows the desk serves: every node with task pages, against a
task of every other node of the flow, on every action, by the administrator and by everyone who may
take that node's tasks. A new node is covered by it without a test of its own (the permission
suite's world must only hold a task of it, which its URL rows need anyway). The others are the
reproductions of the issue "a task URL acts on tasks of other steps".
"""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from viewflow.workflow.flow import FlowAppViewset
from viewflow.workflow.models import Task

from supervision.desk import site

pytestmark = pytest.mark.django_db



# --- generated from the flows --------------------------------------------------------------------


def flow_apps():
    return [app for app in site.viewsets if isinstance(app, FlowAppViewset)]


def task_pages(app):
    """{node name: [action, ...]} of the flow's task pages (those addressed by a task number)."""
    pages: dict[str, list[str]] = {}

    def walk(patterns, namespaces):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, namespaces + ((pattern.namespace,) if pattern.namespace else ()))
            elif isinstance(pattern, URLPattern) and "task_pk" in str(pattern.pattern):
                if len(namespaces) >= 2 and namespaces[0] == app.app_name:
                    pages.setdefault(namespaces[-1], []).append(pattern.name)

    walk(get_resolver().url_patterns, ())
    return pages


def snapshot():
    """Every row of the workflow and domain tables (not sessions, users or caches)."""
    labels = ("viewflow", "core", "registry", "staff", "inspections", "sampling", "rectification", "filings",
              "credit", "disclosure", "documents", "notifications", "spot_check", "inspection", "listings",
              "listing_flow")
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label in labels and not model._meta.proxy:
            rows[model._meta.label] = sorted(model._default_manager.order_by().values_list(), key=repr)
    return rows


def answer(method, url, user):
    """The status the URL's view answers (called directly: some 2,000 requests through the whole
    middleware stack would take a minute, and the check under test lives in the view)."""
    request = getattr(RequestFactory(), method)(url)
    request.user, request.session = user, {}
    request.resolver_match = match = resolve(url)
    try:
        return match.func(request, *match.args, **match.kwargs).status_code
    except Http404:
        return 404
    except PermissionDenied:
        return 403
    except Exception as error:  # noqa: BLE001 -- a server error is an answer too
        return f"500 {error!r}"


def test_no_task_page_serves_a_task_of_another_step(permission_world):
    users = list(User.objects.order_by("pk"))
    requests = []  # (url, user)
    for app in flow_apps():
        flow = app.flow_class
        pages = task_pages(app)
        assert len(pages) >= 2, f"{flow.__name__}: fewer than two nodes with task pages"
        tasks = {}
        for task in Task.objects.filter(process__flow_class=flow).order_by("pk"):
            tasks[task.flow_task.name] = task  # the last task of each node
        missing = sorted(set(pages) - set(tasks))
        assert missing == [], f"{flow.__name__}: the permission world holds no task of {missing}"
        for node_name, actions in pages.items():
            node = flow.instance.node(node_name)
            doers = [u for u in users if app.queue(u).filter(flow_task=node).exists()]
            for other, task in tasks.items():
                if other == node_name:
                    continue
                # The administrator sees every process; the node's doers would pass its rule.
                reach = [u for u in [permission_world.admin, *doers]
                         if app.processes_for(u).filter(pk=task.process_id).exists()]
                for action in actions:
                    suffix = "" if action == "index" else f"{action}/"
                    url = f"/{app.app_name}/{task.process_id}/{node_name}/{task.pk}/{suffix}"
                    requests += [(url, u) for u in reach]

    before = snapshot()
    wrong = [f"{method.upper()} {url} as {user}: {status}"
             for url, user in requests for method in ("get", "post")
             if (status := answer(method, url, user)) != 404]
    assert wrong == [], f"{len(wrong)} of {2 * len(requests)} requests:\n" + "\n".join(wrong[:40])
    assert snapshot() == before
    assert len(requests) > 1000  # every flow, node and action took part


# --- the reproductions ---------------------------------------------------------------------------


def _url(flow, task, node, action):
    suffix = "" if action == "index" else f"{action}/"
    return f"/{flow}/{task.process_id}/{node}/{task.pk}/{suffix}"


def _unchanged(task):
    fresh = Task.objects.get(pk=task.pk)
    return fresh.status == task.status and fresh.owner_id == task.owner_id


@pytest.fixture
def rect(world):
    from tests.url_rules_rectification import finding, inspection, issue, recheck_via_task, submit_via_task

    insp = inspection(world)
    closure, recheck = issue(world, [finding(insp, "F")]), issue(world, [finding(insp, "D")])
    submit_via_task(world, closure)
    recheck_via_task(world, closure, "passed")
    submit_via_task(world, recheck)
    return closure, recheck


def test_an_operator_cannot_close_their_own_rectification_through_the_report_url(client, world, rect):
    from supervision.rectification.models import NoticeStatus
    from tests.url_rules_rectification import open_task

    notice, _other = rect
    closure = open_task(notice, "approve_closure")
    client.force_login(world.operator_p)
    assert client.post(_url("rectification", closure, "submit_report", "assign")).status_code == 404
    assert client.post(_url("rectification", closure, "submit_report", "execute"),
                       {"action": "submit"}).status_code == 404
    assert _unchanged(closure)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RECHECK_PASSED  # waiting for the head, as before
    client.force_login(world.head_x)  # the head still takes their own task
    assert client.post(_url("rectification", closure, "approve_closure", "assign")).status_code == 302


def test_an_operator_cannot_take_the_inspectors_recheck_through_the_report_url(client, world, rect):
    from tests.url_rules_rectification import open_task

    _closure, notice = rect
    recheck = open_task(notice, "recheck")
    client.force_login(world.operator_p)
    assert client.post(_url("rectification", recheck, "submit_report", "assign")).status_code == 404
    assert client.get(_url("rectification", recheck, "submit_report", "execute")).status_code == 404
    assert _unchanged(recheck)
    client.force_login(world.inspector_x)
    assert client.post(_url("rectification", recheck, "recheck", "assign")).status_code == 302


def test_a_planner_cannot_withdraw_a_plan_waiting_for_approval_through_the_revise_url(client, world):
    from supervision.sampling.models import PlanApproval, SpotCheckPlan
    from tests.url_rules_sampling import open_task, start

    plan = start(world)
    approval = open_task(plan, "approve")
    client.force_login(world.planner_x)
    assert client.post(_url("spotcheck", approval, "revise", "assign")).status_code == 404
    assert client.post(_url("spotcheck", approval, "revise", "execute"), {"action": "withdraw"}).status_code == 404
    assert _unchanged(approval)
    assert SpotCheckPlan.objects.get(pk=plan.pk).withdrawn_at is None
    assert not PlanApproval.objects.filter(plan=plan).exists()


def test_the_lead_head_cannot_take_a_partner_heads_approval_through_the_confirm_url(client, world):
    from tests.url_rules_sampling import fire_head, open_task, start

    partner = fire_head(world)
    plan = start(world, participating=[world.fire_x])
    fire_approval = open_task(plan, "approve", data__department=world.fire_x.pk)
    client.force_login(world.head_x)
    assert client.post(_url("spotcheck", fire_approval, "confirm", "assign")).status_code == 404
    assert client.post(_url("spotcheck", fire_approval, "confirm", "execute"),
                       {"action": "confirm"}).status_code == 404  # was a 500 in confirm_draw
    assert _unchanged(fire_approval)
    client.force_login(partner)
    assert client.post(_url("spotcheck", fire_approval, "approve", "assign")).status_code == 302


@pytest.mark.parametrize("action", ["index", "detail", "assign", "execute"])
def test_a_head_cannot_reach_the_automatic_fieldwork_through_the_review_url(client, world, action):
    from tests.url_rules_inspections import desk_task, scheduled_inspection
    from workflows.inspection.flows import start_process

    inspection = scheduled_inspection(world, head_review=True)
    start_process(inspection)
    fieldwork = desk_task(inspection, "fieldwork", status="NEW")
    client.force_login(world.head_x)
    assert client.get(_url("inspection", fieldwork, "review", action)).status_code == 404  # GET was a 500
    assert client.post(_url("inspection", fieldwork, "review", action)).status_code == 404
    assert _unchanged(fieldwork)


def test_automatic_steps_have_no_assign_or_execute_pages():
    for app in flow_apps():
        for node_name, actions in task_pages(app).items():
            node = app.flow_class.instance.node(node_name)
            if getattr(node, "task_type", None) != "HUMAN":
                assert set(actions) <= {"index", "detail"}, (app.app_name, node_name, actions)
