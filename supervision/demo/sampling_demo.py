"""Demo data for the spot checks: one joint plan of 东湖区 waiting for its approvals.

The check-item list itself comes from migration sampling/0002. Run after ``city.seed()``; running
it again changes nothing (the plan is found by its name). The plan is drafted by
planner_donghu, led by 东湖区民政局 and joint with 示范市消防救援支队, so head_donghu and
head_city_fire each find an approval in their queue; the draw then staffs each target with a
civil-affairs inspector of 东湖区 and a fire inspector of 东湖区消防救援大队.
"""

import datetime as dt

DEMO_PLAN_NAME = "2026年东湖区养老机构双随机联合抽查（演示）"


def seed_sampling_demo() -> bool:
    """Create and submit the demo plan and start its process; False if it is already there."""
    from django.contrib.auth.models import User
    from django.db import transaction
    from django.test import RequestFactory

    from supervision.core.audit import acting_as
    from supervision.core.models import Department
    from supervision.sampling import services
    from supervision.sampling.models import CheckItem, SamplingMode, SpotCheckPlan
    from workflows.spot_check.flows import SpotCheckFlow

    if SpotCheckPlan.objects.filter(name=DEMO_PLAN_NAME).exists():
        return False
    planner = User.objects.filter(username="planner_donghu").first()
    fire = Department.objects.filter(name="示范市消防救援支队").first()
    if planner is None or fire is None:
        return False  # the demo city is not loaded
    region = planner.official.department.region
    fields = dict(
        name=DEMO_PLAN_NAME, region=region, institution_kinds=["residential", "day_care"], check_kind="daily",
        mode=SamplingMode.RANDOM, ratio_a=5, ratio_b=15, ratio_c=30, ratio_d=50, unrated_as="B", team_size=2,
        max_targets_per_inspector=20, period_start=dt.date(2026, 12, 1), period_end=dt.date(2026, 12, 31),
    )
    items = CheckItem.objects.filter(code__in=["service-safety", "fire-safety"])
    with transaction.atomic(), acting_as("seed_demo"):
        plan = services.submit_plan(planner, fields, items, [fire])
        activation = SpotCheckFlow.start.activation_class.create(SpotCheckFlow.start, None, None)
        activation.process.plan = plan
        request = RequestFactory().post("/")
        request.user = planner
        activation.start(request)
        activation.execute()
    return True
