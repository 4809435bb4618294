"""一公开: the head's list shows which submitted results are due for publication or overdue."""

import datetime as dt

from django.utils import timezone

from supervision.core.calendar import add_working_days
from supervision.inspections.models import Inspection
from tests.url_rules_inspections import submitted_inspection


def _due_on(inspection, day):
    Inspection.objects.filter(pk=inspection.pk).update(publicity_deadline=day)


def _rows(client, query=""):
    return client.get("/inspection/publicity/" + query).context["rows"]


def test_overdue_and_due_soon_results_are_listed_and_the_others_on_request(world, client):
    today = timezone.localdate()
    overdue, soon, later = (submitted_inspection(world, non_compliant=0) for _ in range(3))
    _due_on(overdue, today - dt.timedelta(days=1))
    _due_on(soon, add_working_days(today, 2).date)
    _due_on(later, add_working_days(today, 15).date)
    client.force_login(world.head_x)
    states = {r.pk: r.publicity_state for r in _rows(client)}
    assert states == {overdue.pk: "overdue", soon.pk: "due_soon"}
    assert {r.pk for r in _rows(client, "?state=all")} == {overdue.pk, soon.pk, later.pk}
    assert [r.pk for r in _rows(client, "?state=overdue")] == [overdue.pk]


def test_the_list_sorts_by_deadline_either_way(world, client):
    today = timezone.localdate()
    first, second = submitted_inspection(world, non_compliant=0), submitted_inspection(world, non_compliant=0)
    _due_on(first, today - dt.timedelta(days=5))
    _due_on(second, today - dt.timedelta(days=1))
    client.force_login(world.head_x)
    assert [r.pk for r in _rows(client, "?sort=deadline")] == [first.pk, second.pk]
    assert [r.pk for r in _rows(client, "?sort=-deadline")] == [second.pk, first.pk]
    assert [r.pk for r in _rows(client, "?sort=nonsense")] == [first.pk, second.pk]


def test_an_official_outside_the_jurisdiction_sees_none(world, client):
    inspection = submitted_inspection(world, non_compliant=0)
    _due_on(inspection, timezone.localdate() - dt.timedelta(days=1))
    client.force_login(world.inspector_y)
    assert list(_rows(client, "?state=all")) == []
