"""A report's dates must be possible: a measure reported as done was done between the notice and
today; the plan's completion date lies between the notice and its deadline (or today, if later)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.core import clock
from supervision.rectification.models import RectificationReport
from tests.test_rectification_happy_path import _report_post, _take_and_open, _task_url
from tests.url_rules_rectification import PNG, finding, inspection, issue

pytestmark = pytest.mark.django_db


def _post(client, world, **dates):
    insp = inspection(world)
    notice = issue(world, [finding(insp, "G")])
    task = _take_and_open(client, world.operator_p, notice, "submit_report")
    data = _report_post(notice, lambda: [SimpleUploadedFile("照片.png", PNG, content_type="image/png")])
    item = notice.items.get()
    if "completed_on" in dates:
        data[f"item-{item.pk}-completed_on"] = dates["completed_on"]
    if "completion_date" in dates:
        data["plan-completion_date"] = dates["completion_date"]
    response = client.post(_task_url(task, "execute"), data)
    notice.refresh_from_db()
    return notice, response


@pytest.mark.parametrize("days", [400, -3000])
def test_a_measure_done_in_the_future_or_before_the_notice_is_refused_and_the_draft_kept(client, world, days):
    completed_on = (clock.today() + dt.timedelta(days=days)).isoformat()
    notice, response = _post(client, world, completed_on=completed_on)
    assert response.status_code == 200
    page = response.content.decode()
    assert "尚未完成的整改不能报告为已完成" in page
    assert notice.status == "issued"
    report = RectificationReport.objects.get(notice=notice)
    assert report.submitted_at is None
    assert report.items.get().completed_on == dt.date.fromisoformat(completed_on)  # nothing typed is lost


def test_a_plan_completion_date_years_ahead_is_refused(client, world):
    notice, response = _post(client, world, completion_date=(clock.today() + dt.timedelta(days=1200)).isoformat())
    assert response.status_code == 200 and notice.status == "issued"


def test_dates_of_today_are_accepted(client, world):
    notice, response = _post(client, world)
    assert response.status_code == 302 and notice.status == "report_submitted"
