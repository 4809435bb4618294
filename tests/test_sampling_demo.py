"""The demo story: planner_donghu's joint plan in the demo city, approved by head_donghu and
head_city_fire, drawn, confirmed and published; the downloaded record verifies."""

import datetime as dt
import json

import pytest
from django.contrib.auth.models import User

from supervision.demo import city
from supervision.demo.sampling_demo import DEMO_PLAN_NAME, seed_sampling_demo
from supervision.sampling import engine, services
from supervision.sampling.models import SpotCheckPlan
from tests.url_rules_sampling import do_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_demo_plan_is_seeded_once_and_runs_to_a_verifiable_result(client):
    city.seed()
    assert seed_sampling_demo() is True
    assert seed_sampling_demo() is False  # idempotent
    plan = SpotCheckPlan.objects.get(name=DEMO_PLAN_NAME)
    names = ["head_donghu", "head_city_fire", "planner_donghu"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    for username in ("head_donghu", "head_city_fire"):
        head = users[username]
        department = head.official.department
        do_task(plan, "approve", head, lambda h=head, d=department: services.approve_plan(h, plan, d),
                data__department=department.pk)
    draw = services.current_draw(plan)
    assert draw.commitment in client.get(f"/public/spot-checks/{plan.pk}/").content.decode()
    planner, head = users["planner_donghu"], users["head_donghu"]
    do_task(plan, "run_draw", planner, lambda: services.run_draw(planner, draw))
    draw.refresh_from_db()
    assert draw.feasible, draw.problems
    do_task(plan, "confirm", head, lambda: services.confirm_draw(head, draw))
    draw.refresh_from_db()
    assert draw.published_at is not None and draw.targets.count() > 0
    for target in draw.targets.all():
        departments = {o.department.kind for o in target.team.all()}
        assert departments == {"civil_affairs", "fire_rescue"}
    record = json.loads(b"".join(client.get(f"/public/spot-checks/draws/{draw.pk}/record.json").streaming_content))
    assert engine.verify(record).ok


def test_the_demo_has_a_draw_published_ten_days_before_it_was_loaded_that_verifies(client):
    from django.utils import timezone

    from supervision.core import clock
    from supervision.demo.sampling_demo import PUBLISHED_DAYS_AGO, PUBLISHED_PLAN_NAME

    city.seed()
    seed_sampling_demo()
    today = clock.today()
    plan = SpotCheckPlan.objects.get(name=PUBLISHED_PLAN_NAME)
    draw = services.current_draw(plan)
    assert draw.feasible and draw.targets.exists()
    drawn_on = today - dt.timedelta(days=PUBLISHED_DAYS_AGO["drawn"])
    assert timezone.localtime(draw.published_at).date() == drawn_on
    # In order on the public page: submitted, approved, commitment published, drawn, published.
    moments = [plan.submitted_at, plan.approvals.get().decided_at, draw.committed_at, draw.drawn_at,
               draw.confirmed_at, draw.published_at]
    assert moments == sorted(moments) and moments[-1] < timezone.now()
    assert plan.period_start < today < plan.period_end
    # Each target became an inspection waiting on its team's desk.
    assert plan.department.inspections.filter(institution__in=draw.targets.values("institution")).count() == \
        draw.targets.count()
    record = json.loads(b"".join(client.get(f"/public/spot-checks/draws/{draw.pk}/record.json").streaming_content))
    assert engine.verify(record).ok
