"""Demo data for the spot checks, dated from the day the demo is loaded.

The check-item list itself comes from migration sampling/0002. Run after ``city.seed()``; running
it again changes nothing (a plan is found by its name). Both plans are drafted by planner_donghu:

* DEMO_PLAN_NAME, for next month, led by 东湖区民政局 and joint with 示范市消防救援支队, waits for
  its approvals: head_donghu and head_city_fire each find one in their queue; the draw then
  staffs each target with a civil-affairs inspector of 东湖区 and a fire inspector of
  东湖区消防救援大队;
* PUBLISHED_PLAN_NAME, 东湖区民政局's own plan for the weeks around the demo day, was approved,
  drawn, confirmed and published ten days ago: its draw is on the public pages and verifies, and
  its inspections wait on the inspectors' desks.
"""

import datetime as dt

from supervision.core import clock

DEMO_PLAN_NAME = "东湖区养老机构双随机联合抽查（演示）"
PUBLISHED_PLAN_NAME = "东湖区养老机构双随机抽查（演示，结果已公布）"
# The published plan's history, in days before the demo day.
PUBLISHED_DAYS_AGO = {"submitted": 12, "approved": 11, "drawn": 10}


def _next_month(today: dt.date) -> tuple[dt.date, dt.date]:
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def _at(day: dt.date, hour: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _start(plan, planner):
    from django.test import RequestFactory

    from workflows.spot_check.flows import SpotCheckFlow

    activation = SpotCheckFlow.start.activation_class.create(SpotCheckFlow.start, None, None)
    activation.process.plan = plan
    request = RequestFactory().post("/")
    request.user = planner
    activation.start(request)
    activation.execute()


def _do_task(plan, node, user, work, **filters):
    """Take and finish the plan's open task at `node` as `user`, doing `work()` in between."""
    from django.test import RequestFactory
    from viewflow.workflow.models import Task

    from workflows.spot_check.flows import SpotCheckFlow

    task = Task.objects.filter(process__spotcheckprocess__plan=plan, flow_task=getattr(SpotCheckFlow, node),
                               status__in=["NEW", "ASSIGNED"], **filters).order_by("pk").first()
    request = RequestFactory().post("/")
    request.user = user
    activation = task.flow_task.activation_class(task)
    if task.owner_id is None:
        activation.assign(user)
    activation.start(request)
    work()
    activation.execute()


def _plan_fields(name, region, start, end, **changes) -> dict:
    from supervision.sampling.models import SamplingMode

    fields = dict(
        name=name, region=region, institution_kinds=["residential", "day_care"], check_kind="daily",
        mode=SamplingMode.RANDOM, ratio_a=5, ratio_b=15, ratio_c=30, ratio_d=50, unrated_as="B", team_size=2,
        max_targets_per_inspector=20, period_start=start, period_end=end,
    )
    return {**fields, **changes}


def _seed_waiting_plan(planner, fire, items, today: dt.date) -> bool:
    from supervision.sampling import services
    from supervision.sampling.models import SpotCheckPlan

    if SpotCheckPlan.objects.filter(name=DEMO_PLAN_NAME).exists():
        return False
    start, end = _next_month(today)
    fields = _plan_fields(DEMO_PLAN_NAME, planner.official.department.region, start, end)
    plan = services.submit_plan(planner, fields, items, [fire])
    _start(plan, planner)
    return True


def _seed_published_plan(planner, head, items, today: dt.date) -> bool:
    from supervision.sampling import services
    from supervision.sampling.models import SpotCheckPlan

    if SpotCheckPlan.objects.filter(name=PUBLISHED_PLAN_NAME).exists():
        return False
    department = planner.official.department
    submitted, approved, drawn = (today - dt.timedelta(days=PUBLISHED_DAYS_AGO[k])
                                  for k in ("submitted", "approved", "drawn"))
    fields = _plan_fields(PUBLISHED_PLAN_NAME, department.region, today - dt.timedelta(days=9),
                          today + dt.timedelta(days=21), institution_kinds=["residential"])
    # The plan's history happened in the days before the demo day, the clock replayed there.
    with clock.replaying(_at(submitted, 9)):
        plan = services.submit_plan(planner, fields, items, [])
        _start(plan, planner)
    with clock.replaying(_at(approved, 10)):
        _do_task(plan, "approve", head, lambda: services.approve_plan(head, plan, department),
                 data__department=department.pk)
    draw = services.current_draw(plan)
    with clock.replaying(_at(drawn, 10)):
        _do_task(plan, "run_draw", planner, lambda: services.run_draw(planner, draw))
    draw.refresh_from_db()
    if draw.feasible:
        with clock.replaying(_at(drawn, 15)):
            _do_task(plan, "confirm", head, lambda: services.confirm_draw(head, draw))
    # Stamped by Django (auto_now_add), not through the clock: the public chronology (submitted,
    # approved, commitment published, drawn) must still read in order.
    SpotCheckPlan.objects.filter(pk=plan.pk).update(created=_at(submitted, 9))
    plan.rounds.update(submitted_at=_at(submitted, 9))
    plan.approvals.update(decided_at=_at(approved, 10))
    plan.draws.update(committed_at=_at(approved, 10))
    return True


def seed_sampling_demo(today: dt.date | None = None) -> bool:
    """Create the demo plans that are missing; False if both are already there."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from supervision.core.audit import acting_as
    from supervision.core.models import Department
    from supervision.sampling.models import CheckItem

    today = today or clock.today()
    users = {u.username: u for u in User.objects.filter(username__in=["planner_donghu", "head_donghu"])}
    fire = Department.objects.filter(name="示范市消防救援支队").first()
    if len(users) != 2 or fire is None:
        return False  # the demo city is not loaded
    joint_items = CheckItem.objects.filter(code__in=["service-safety", "fire-safety"])
    own_items = CheckItem.objects.filter(code="service-safety")  # 东湖区民政局 alone has no fire inspector
    with transaction.atomic(), acting_as("seed_demo"):
        waiting = _seed_waiting_plan(users["planner_donghu"], fire, joint_items, today)
        published = _seed_published_plan(users["planner_donghu"], users["head_donghu"], own_items, today)
    return waiting or published
