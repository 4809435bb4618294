"""A plan is refused before any head is asked when it cannot be approved or makes no sense: a department
without a head (its approval would wait in nobody's queue), a period already over or longer than a year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from supervision.core import clock
from supervision.sampling.models import SpotCheckPlan
from tests.test_spot_check_flow import plan_form
from tests.url_rules_sampling import fire_head

pytestmark = pytest.mark.django_db


def test_the_draft_form_offers_only_departments_with_a_head_and_names_the_others(client, world):
    client.force_login(world.planner_x)
    page = client.get("/spotcheck/start/").content.decode()
    assert f'name="participating_departments" value="{world.fire_x.pk}"' not in page  # no head yet
    assert "东湖区消防救援大队" in page and "尚无负责人审批计划" in page

    fire_head(world)
    page = client.get("/spotcheck/start/").content.decode()
    assert f'name="participating_departments" value="{world.fire_x.pk}"' in page


def test_a_plan_naming_a_department_without_a_head_is_refused_and_nothing_starts(client, world):
    client.force_login(world.planner_x)
    response = client.post("/spotcheck/start/", plan_form(world, participating_departments=[world.fire_x.pk]))
    assert response.status_code == 200
    assert not SpotCheckPlan.objects.exists()


def test_the_service_names_the_departments_without_a_head(world):
    from supervision.sampling import services
    from supervision.sampling.models import CheckItem

    fields = {
        "name": "联合抽查", "region": world.district_x, "institution_kinds": ["residential"], "check_kind": "daily",
        "mode": "random", "ratio_a": Decimal("5"), "ratio_b": Decimal("15"), "ratio_c": Decimal("30"),
        "ratio_d": Decimal("50"), "unrated_as": "B", "team_size": 2, "max_targets_per_inspector": 10,
        "period_start": clock.today(), "period_end": clock.today() + dt.timedelta(days=30),
    }
    items = list(CheckItem.objects.filter(code="service-safety"))
    with pytest.raises(ValidationError) as refused:
        services.submit_plan(world.planner_x, fields, items, [world.fire_x])
    assert "东湖区消防救援大队" in str(refused.value.message_dict["participating_departments"])
    assert not SpotCheckPlan.objects.exists()


def test_a_plan_whose_period_has_ended_or_runs_over_a_year_is_refused(client, world):
    client.force_login(world.planner_x)
    today = clock.today()
    ended = plan_form(world, period_start=(today - dt.timedelta(days=400)).isoformat(),
                      period_end=(today - dt.timedelta(days=40)).isoformat())
    response = client.post("/spotcheck/start/", ended)
    assert response.status_code == 200 and "计划期已结束" in response.content.decode()
    too_long = plan_form(world, period_start=today.isoformat(), period_end=(today + dt.timedelta(days=800)).isoformat())
    response = client.post("/spotcheck/start/", too_long)
    assert response.status_code == 200 and "最长覆盖一年" in response.content.decode()
    assert not SpotCheckPlan.objects.exists()


def test_a_plan_the_draw_could_not_staff_is_refused_before_any_head_is_asked(client, world):
    from supervision.notifications.models import Notification
    from supervision.sampling.models import CheckItem
    from tests.url_rules_sampling import more_institutions

    more_institutions(world)
    fire_only = plan_form(world, items=[CheckItem.objects.get(code="fire-safety").pk],
                          ratio_a="100", ratio_b="100", ratio_c="100", ratio_d="100")
    client.force_login(world.planner_x)
    response = client.post("/spotcheck/start/", fire_only)
    page = response.content.decode()
    assert response.status_code == 200 and "试抽结果" in page
    assert "消防" in page  # the specialty nobody of the department holds
    assert not SpotCheckPlan.objects.exists() and not Notification.objects.exists()
