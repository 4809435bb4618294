"""The 检查通知书 at the desk: issued ahead of an announced check, its delivery recorded; an
unannounced check's notice is carried and recorded on arrival."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from supervision.core.calendar import add_working_days
from supervision.inspections import services
from supervision.inspections.models import Inspection, NoticeDelivery
from tests.url_rules_inspections import scheduled_inspection
from workflows.inspection.flows import start_process


@pytest.fixture
def inspection(world):
    inspection = scheduled_inspection(world, scheduled_for=None)
    start_process(inspection)
    return inspection


def test_the_planner_issues_the_notice_from_the_desk_three_working_days_ahead(world, client, inspection):
    client.force_login(world.planner_x)
    url = f"/inspection/inspections/{inspection.pk}/notice/"
    earliest = add_working_days(timezone.localdate(), 3).date
    too_early = earliest - dt.timedelta(days=1)
    assert client.post(url, {"scheduled_for": too_early.isoformat()}).status_code == 200
    assert not Inspection.objects.get(pk=inspection.pk).notice_number
    response = client.post(url, {"scheduled_for": earliest.isoformat()})
    assert response.status_code == 302 and response["Location"] == f"/inspection/{inspection.process.pk}/"
    inspection.refresh_from_db()
    assert inspection.notice_number and inspection.notice_date == timezone.localdate()
    assert inspection.scheduled_for == earliest


def test_the_delivery_of_the_notice_is_recorded_once(world, client, inspection):
    services.issue_inspection_notice(world.head_x, inspection, scheduled_for=dt.date(2026, 12, 31),
                                     today=dt.date(2026, 12, 1))
    client.force_login(world.inspector_x)
    url = f"/inspection/inspections/{inspection.pk}/notice/delivery/"
    response = client.post(url, {"method": "in_person", "received_by": "王院长"})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.notice_delivery_method == NoticeDelivery.IN_PERSON and inspection.notice_received_by == "王院长"
    assert client.post(url, {"method": "post"}).status_code == 200  # already recorded: refused on the form
    inspection.refresh_from_db()
    assert inspection.notice_delivery_method == NoticeDelivery.IN_PERSON


def test_an_inspector_outside_the_lead_department_and_team_cannot_issue(world, inspection):
    with pytest.raises(PermissionDenied):
        services.issue_inspection_notice(world.inspector_y, inspection, scheduled_for=dt.date(2026, 12, 31),
                                         today=dt.date(2026, 12, 1))


def test_an_unannounced_check_records_its_notice_on_arrival(world):
    inspection = scheduled_inspection(world, kind="case", announced=False)
    services.start(world.inspector_x, inspection)
    inspection.refresh_from_db()
    assert inspection.notice_number and inspection.notice_date == timezone.localdate()
    assert inspection.notice_delivery_method == NoticeDelivery.ON_ARRIVAL
    assert inspection.notice_delivered_at == inspection.started_at


def test_the_desk_offers_no_advance_notice_for_an_unannounced_check(world, client):
    inspection = scheduled_inspection(world, kind="case", announced=False)
    start_process(inspection)
    client.force_login(world.planner_x)
    page = client.get(f"/inspection/{inspection.process.pk}/").content.decode()
    assert f"/inspection/inspections/{inspection.pk}/notice/" not in page
    response = client.post(f"/inspection/inspections/{inspection.pk}/notice/", {"scheduled_for": "2026-12-31"})
    assert response.status_code == 200 and not Inspection.objects.get(pk=inspection.pk).notice_number
