"""Permission rows for the spot-check process and the public spot-check pages; and builders the
sampling tests share.

`extend_world` adds six more institutions to district X (so a draw has something to draw), a
fire-brigade head of X (`fire_head_x`), and drives plans of district X into every state the
process pages need: waiting for approval, returned (waiting for revision), waiting for the draw,
waiting for confirmation, published, withdrawn.

Who sees a plan of X: officials of X (any department, including the fire brigade) and the
administrator; inspector_y gets 404; operators are refused the whole application (403).
"""

import contextlib
import datetime as dt

from viewflow.workflow.models import Task

from tests.factories import institution, official
from tests.personas import statuses



# --- builders ---------------------------------------------------------------------------------


def more_institutions(world, classes=("A", "B", "C", "D", "unrated", "D")):
    """Operating residential institutions in district X with the given credit classes."""
    streets = [world.street_x1, world.street_x2]
    return [
        institution(streets[n % 2], name=f"东湖测试养老院{n + 1}", credit_class=cls,
                    operating_status="operating")
        for n, cls in enumerate(classes)
    ]


def third_inspector(world):
    """A second general inspector of 东湖区民政局, so a declared conflict never empties a team."""
    if not hasattr(world, "inspector_x2"):
        world.inspector_x2 = official("inspector_x2", world.civil_x, "inspector", certificate="CERT-X-2",
                                      specialties=["general"]).user
    return world.inspector_x2


def fire_head(world):
    """The head of the fire brigade of X (东湖区消防救援大队), for joint plans."""
    if not hasattr(world, "fire_head_x"):
        world.fire_head_x = official("fire_head_x", world.fire_x, "head").user
    return world.fire_head_x


def second_head(world):
    """A second head of 东湖区民政局: the second person a re-draw needs."""
    if not hasattr(world, "head_x2"):
        world.head_x2 = official("head_x2", world.civil_x, "head").user
    return world.head_x2


def plan_fields(world, **overrides):
    """A plan for the month from today (a plan's period must still be to come when it is submitted)."""
    from supervision.core import clock
    from supervision.sampling.models import SamplingMode

    today = clock.today()
    fields = dict(
        name="2026年东湖区养老机构双随机抽查", region=world.district_x, institution_kinds=["residential"],
        check_kind="daily", mode=SamplingMode.RANDOM, ratio_a=5, ratio_b=15, ratio_c=30, ratio_d=50,
        unrated_as="B", team_size=2, max_targets_per_inspector=10, period_start=today,
        period_end=today + dt.timedelta(days=30),
    )
    fields.update(overrides)
    return fields


def items(*codes):
    from supervision.sampling.models import CheckItem

    return list(CheckItem.objects.filter(code__in=codes or ("service-safety",)))


def start(world, participating=(), item_codes=("service-safety",), user=None, **overrides):
    """Submit a plan as planner_x and start its process (as the start view does)."""
    from supervision.sampling import services
    from workflows.spot_check.flows import SpotCheckFlow

    if world.fire_x in participating:
        fire_head(world)  # a department takes part only with a head to approve
    plan = services.submit_plan(user or world.planner_x, plan_fields(world, **overrides), items(*item_codes),
                                list(participating))
    activation = SpotCheckFlow.start.activation_class.create(SpotCheckFlow.start, None, None)
    activation.process.plan = plan
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user or world.planner_x
    activation.start(request)
    activation.execute()
    return plan


@contextlib.contextmanager
def staffed_while_submitting(world):
    """inspector_x holds the fire specialty while a plan is submitted (its dry run staffs the fire
    check) and loses it before the draw, so that the draw itself is infeasible."""
    from supervision.staff.models import Specialty

    fire = Specialty.objects.get(code="fire")
    world.inspector_x.official.specialties.add(fire)
    try:
        yield
    finally:
        world.inspector_x.official.specialties.remove(fire)


def open_task(plan, node_name, **filters):
    from workflows.spot_check.flows import SpotCheckFlow

    return Task.objects.filter(process__spotcheckprocess__plan=plan, flow_task=getattr(SpotCheckFlow, node_name),
                               status__in=["NEW", "ASSIGNED"], **filters).order_by("pk").first()


def do_task(plan, node_name, user, work, **filters):
    """Take and do a human task from code: assign, start, run `work(request)`, complete."""
    from django.test import RequestFactory

    task = open_task(plan, node_name, **filters)
    assert task is not None, f"no open {node_name} task"
    request = RequestFactory().post("/")
    request.user = user
    activation = task.flow_task.activation_class(task)
    if task.owner_id is None:
        activation.assign(user)
    activation.start(request)
    work()
    activation.execute()


def approve(world, plan, head, department):
    from supervision.sampling import services

    do_task(plan, "approve", head, lambda: services.approve_plan(head, plan, department),
            data__department=department.pk)


def run(world, plan, user=None):
    from supervision.sampling import services

    user = user or world.planner_x
    do_task(plan, "run_draw", user, lambda: services.run_draw(user, services.current_draw(plan)))


def confirm(world, plan):
    from supervision.sampling import services

    do_task(plan, "confirm", world.head_x, lambda: services.confirm_draw(world.head_x, services.current_draw(plan)))


def redraw(world, plan, approver, ground="staff_change", reason="抽中人员调岗"):
    """The lead head asks for a re-draw of the current draw and `approver` approves it."""
    from supervision.sampling import services

    draw = services.current_draw(plan)
    do_task(plan, "confirm", world.head_x, lambda: services.request_redraw(world.head_x, draw, ground, reason))
    do_task(plan, "approve_redraw", approver,
            lambda: services.approve_redraw(approver, services.pending_redraw(plan)))


def published_plan(world, **overrides):
    plan = start(world, **overrides)
    approve(world, plan, world.head_x, world.civil_x)
    run(world, plan)
    confirm(world, plan)
    return plan


# --- the permission suite's world -------------------------------------------------------------


def extend_world(world):
    from supervision.sampling import services

    more_institutions(world)
    third_inspector(world)
    fire_head(world)
    world.sc_waiting = start(world, name="待审批计划")
    world.sc_returned = start(world, name="退回修改计划")
    do_task(world.sc_returned, "approve", world.head_x,
            lambda: services.return_plan(world.head_x, world.sc_returned, world.civil_x, "比例过低"))
    world.sc_committed = start(world, name="待抽取计划")
    approve(world, world.sc_committed, world.head_x, world.civil_x)
    world.sc_drawn = start(world, name="待确认计划")
    approve(world, world.sc_drawn, world.head_x, world.civil_x)
    run(world, world.sc_drawn)
    world.sc_published = published_plan(world, name="已公布计划")
    world.sc_withdrawn = start(world, name="撤回计划")
    do_task(world.sc_withdrawn, "approve", world.head_x,
            lambda: services.return_plan(world.head_x, world.sc_withdrawn, world.civil_x, "撤回"))
    do_task(world.sc_withdrawn, "revise", world.planner_x,
            lambda: services.withdraw_plan(world.planner_x, world.sc_withdrawn))
    # A re-draw asked for, refused by the second head, asked for again and waiting for a decision.
    head_x2 = second_head(world)
    world.sc_redraw = start(world, name="重新抽取待批计划")
    approve(world, world.sc_redraw, world.head_x, world.civil_x)
    run(world, world.sc_redraw)
    for decide in (services.refuse_redraw, None):
        drawn = services.current_draw(world.sc_redraw)
        do_task(world.sc_redraw, "confirm", world.head_x,
                lambda d=drawn: services.request_redraw(world.head_x, d, "system_failure"))
        if decide is not None:
            do_task(world.sc_redraw, "approve_redraw", head_x2,
                    lambda: decide(head_x2, services.pending_redraw(world.sc_redraw)))
    world.sc_draw_committed = services.current_draw(world.sc_committed)
    world.sc_draw_published = services.current_draw(world.sc_published)

    def task(plan, node, **filters):
        from workflows.spot_check.flows import SpotCheckFlow

        return Task.objects.filter(process__spotcheckprocess__plan=plan, flow_task=getattr(SpotCheckFlow, node),
                                   **filters).latest("pk")

    world.sc_tasks = {
        "start": task(world.sc_published, "start"),
        "ask_approvals": task(world.sc_published, "ask_approvals"),
        "approve": task(world.sc_waiting, "approve", status="NEW"),
        "approvals_in": task(world.sc_published, "approvals_in"),
        "approved_or_returned": task(world.sc_published, "approved_or_returned"),
        "revise": task(world.sc_returned, "revise", status="NEW"),
        "resubmitted_or_withdrawn": task(world.sc_withdrawn, "resubmitted_or_withdrawn"),
        "commit_seed": task(world.sc_published, "commit_seed"),
        "run_draw": task(world.sc_committed, "run_draw", status="NEW"),
        "draw_feasible": task(world.sc_published, "draw_feasible"),
        "confirm": task(world.sc_drawn, "confirm", status="NEW"),
        "confirmed_or_redrawn": task(world.sc_published, "confirmed_or_redrawn"),
        "approve_redraw": task(world.sc_redraw, "approve_redraw", status="NEW"),
        "redraw_decided": task(world.sc_redraw, "redraw_decided"),
        "publish": task(world.sc_published, "publish"),
        "published": task(world.sc_published, "published"),
        "withdrawn": task(world.sc_withdrawn, "withdrawn"),
    }


# --- the rows ---------------------------------------------------------------------------------


def _in_reach(default):
    """A plan of X's civil-affairs bureau: its officials and the admin; inspector_y and the district's fire
    inspector, whose department takes no part, get 404. Operators are refused the whole application (403,
    the same for every address, so it says nothing of what exists)."""
    return statuses(404, anonymous=302, inspector_x=default, head_x=default,
                    planner_x=default, admin=default, operator_p=403, operator_q=403)


def _task_url(node, action):
    def build(w):
        t = w.sc_tasks[node]
        suffix = "" if action == "index" else f"{action}/"
        return f"/spotcheck/{t.process_id}/{node}/{t.pk}/{suffix}"

    return build


# Who may take each open human task of the world (fire_head_x and head_x2 are not personas; head_x
# asked for the re-draw and may not approve it himself).
_DOERS = {
    "approve": {"head_x"},
    "revise": {"planner_x"},
    "run_draw": {"planner_x", "head_x"},
    "confirm": {"head_x"},
    "approve_redraw": set(),
}


def _node_rows():
    rows = {}
    for node in ("start", "ask_approvals", "approve", "approvals_in", "approved_or_returned", "revise",
                 "resubmitted_or_withdrawn", "commit_seed", "run_draw", "draw_feasible", "confirm",
                 "confirmed_or_redrawn", "approve_redraw", "redraw_decided", "publish", "published", "withdrawn"):
        rows[f"spotcheck:{node}:index"] = (_task_url(node, "index"), _in_reach(302))
        rows[f"spotcheck:{node}:detail"] = (_task_url(node, "detail"), _in_reach(200))
    for node, doers in _DOERS.items():
        # Open, unassigned tasks: only their doers may take them; nobody executes before taking.
        rows[f"spotcheck:{node}:assign"] = (_task_url(node, "assign"), {**_in_reach(403), **{p: 200 for p in doers}})
        rows[f"spotcheck:{node}:unassign"] = (_task_url(node, "unassign"), _in_reach(403))
        rows[f"spotcheck:{node}:execute"] = (_task_url(node, "execute"), _in_reach(403))
    return rows


_officials = statuses(200, anonymous=302, operator_p=403, operator_q=403)
_public = statuses(200)
_published_only = statuses(200)

RULES = {
    "spotcheck:index": (lambda w: "/spotcheck/", statuses(302, operator_p=403, operator_q=403)),
    "spotcheck:inbox": (lambda w: "/spotcheck/inbox/", _officials),
    "spotcheck:queue": (lambda w: "/spotcheck/queue/", _officials),
    "spotcheck:archive": (lambda w: "/spotcheck/archive/", _officials),
    "spotcheck:process_list": (lambda w: "/spotcheck/flows/", _officials),
    "spotcheck:task_list": (lambda w: "/spotcheck/tasks/", _officials),
    "spotcheck:process_detail": (lambda w: f"/spotcheck/{w.sc_published.process.pk}/", _in_reach(200)),
    "spotcheck:process_chart": (lambda w: f"/spotcheck/{w.sc_published.process.pk}/chart/", _in_reach(200)),
    # Only planners draft; the start page is theirs.
    "spotcheck:start:execute": (lambda w: "/spotcheck/start/", statuses(403, anonymous=302, planner_x=200)),
    **_node_rows(),
    "public:spot_checks:list": (lambda w: "/public/spot-checks/", _public),
    "public:spot_checks:engine": (lambda w: "/public/spot-checks/engine.py", _public),
    "public:spot_checks:plan": (lambda w: f"/public/spot-checks/{w.sc_committed.pk}/", _public),
    "public:spot_checks:inputs": (
        lambda w: f"/public/spot-checks/draws/{w.sc_draw_published.pk}/inputs.json", _published_only),
    "public:spot_checks:record": (
        lambda w: f"/public/spot-checks/draws/{w.sc_draw_published.pk}/record.json", _published_only),
    "public:spot_checks:verify": (
        lambda w: f"/public/spot-checks/draws/{w.sc_draw_published.pk}/verify/", _published_only),
    "public:spot_checks:pdf": (
        lambda w: f"/public/spot-checks/draws/{w.sc_draw_published.pk}/record.pdf", _published_only),
}
