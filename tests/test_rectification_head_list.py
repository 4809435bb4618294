"""The head's view: every open rectification in the jurisdiction with its deadline state,
filters, an XLSX export, and a query count that does not grow with the rows."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from supervision.rectification.viewsets import with_deadline_state
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(world):
    insp = inspection(world)
    today = timezone.localdate()
    overdue = issue(world, [finding(insp, "G")], today=today - dt.timedelta(days=40))
    soon = issue(world, [finding(insp, "J", title="电气线路老化")], working_days=1)
    later = issue(world, [finding(insp, "A", title="台账不全")])
    return {"overdue": overdue, "due_soon": soon, "on_time": later}


def test_each_open_notice_has_its_deadline_state(world, notices):
    states = dict(with_deadline_state(type(notices["overdue"]).objects.all()).values_list("pk", "deadline_state"))
    assert {name: states[n.pk] for name, n in notices.items()} == {
        "overdue": "overdue", "due_soon": "due_soon", "on_time": "on_time"}


def test_the_head_filters_by_deadline_state(client, world, notices):
    client.force_login(world.head_x)
    page = client.get("/rectification/notices/?deadline_state=overdue").content.decode()
    assert notices["overdue"].number in page
    assert notices["on_time"].number not in page


def test_the_filtered_list_exports_to_xlsx(client, world, notices):
    client.force_login(world.head_x)
    response = client.get("/rectification/notices/export/?format=xlsx&deadline_state=overdue")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 2
    assert rows[1][0] == notices["overdue"].number


def test_the_list_takes_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    insp = inspection(world)
    for i in range(12):
        issue(world, [finding(insp, "G", title=f"问题{i}")])
    client.force_login(world.head_x)
    with django_assert_max_num_queries(20):
        assert client.get("/rectification/notices/").status_code == 200


def test_a_late_report_awaiting_its_recheck_or_closure_is_not_listed_as_overdue(client, world):
    from supervision.rectification.models import NoticeStatus, RectificationNotice
    from tests.url_rules_rectification import recheck_via_task, submit_via_task

    insp = inspection(world)
    long_ago = timezone.localdate() - dt.timedelta(days=40)
    waiting = issue(world, [finding(insp, "G")], today=long_ago, working_days=5)
    submit_via_task(world, waiting)
    passed = issue(world, [finding(insp, "D")], today=long_ago, working_days=10)
    submit_via_task(world, passed)
    recheck_via_task(world, passed, "passed")
    rows = with_deadline_state(RectificationNotice.objects.all())
    for notice in (waiting, passed):
        row = rows.get(pk=notice.pk)
        assert row.deadline_state == "with_officials"
        assert row.status in (NoticeStatus.REPORT_SUBMITTED, NoticeStatus.RECHECK_PASSED)
    client.force_login(world.head_x)
    page = client.get("/rectification/notices/?deadline_state=overdue").content.decode()
    assert waiting.number not in page and passed.number not in page


def test_the_list_state_and_the_notice_status_agree_on_overdue(world, notices):
    from supervision.rectification.models import NoticeStatus, RectificationNotice

    for row in with_deadline_state(RectificationNotice.objects.all()):
        fresh = RectificationNotice.objects.get(pk=row.pk)
        assert (row.deadline_state == "overdue") == (fresh.status == NoticeStatus.OVERDUE)
