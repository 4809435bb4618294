"""The calendar as data: the 2004–2026 fixture, entering a new year, and the warning to administrators."""

import datetime as dt
import io
import json
from pathlib import Path

import chinese_calendar
import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import translation

from supervision.core import calendar
from supervision.core.context_processors import calendar_warnings as warnings_context
from supervision.core.models import CalendarDay, HolidayYear

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "holidays" / "cn-2004-2026.json"
D = dt.date

# A made-up 2027 schedule in the official shape (the real one is published late in 2026).
SCHEDULE_2027 = {
    "year": 2027, "published_on": "2026-11-10", "source": "测试用放假安排",
    "days": [
        {"date": "2027-01-01", "is_working_day": False, "name": "元旦"},
        {"date": "2027-02-06", "is_working_day": True, "name": "春节调休上班"},
        {"date": "2027-02-08", "is_working_day": False, "name": "春节"},
        {"date": "2027-02-09", "is_working_day": False, "name": "春节"},
        {"date": "2027-02-10", "is_working_day": False, "name": "春节"},
        {"date": "2027-02-11", "is_working_day": False, "name": "春节"},
        {"date": "2027-02-12", "is_working_day": False, "name": "春节"},
    ],
}


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per process; a test's rolled-back rows must not linger in it."""
    calendar.forget_work_calendar()
    yield
    calendar.forget_work_calendar()


def write(tmp_path, data, name="schedule.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def import_holidays(*args):
    call_command("import_holidays", *args, stdout=io.StringIO())


def failure(tmp_path, data, *args) -> str:
    with translation.override("en"), pytest.raises(CommandError) as raised:
        import_holidays(write(tmp_path, data), *args)
    return str(raised.value)


# --- the seeded years ------------------------------------------------------------------------


def test_the_fixture_agrees_with_chinesecalendar_on_every_day_2004_to_2026():
    years = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert [y["year"] for y in years] == list(range(2004, 2027))
    listed = {dt.date.fromisoformat(d["date"]): d for y in years for d in y["days"]}
    assert all(d["name"] for d in listed.values())
    day, wrong = D(2004, 1, 1), []
    while day <= D(2026, 12, 31):
        expected = chinese_calendar.is_workday(day)
        ours = listed[day]["is_working_day"] if day in listed else day.weekday() < 5
        if ours != expected:
            wrong.append(day)
        day += dt.timedelta(days=1)
    assert wrong == []


def test_a_fresh_database_knows_2004_to_2026_from_the_migration(db):
    assert list(HolidayYear.objects.order_by("year").values_list("year", flat=True)) == list(range(2004, 2027))
    years = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert CalendarDay.objects.count() == sum(len(y["days"]) for y in years)
    assert CalendarDay.objects.get(date=D(2026, 2, 14)).name == "春节调休上班"
    assert calendar.is_working_day(D(2026, 2, 14)) and not calendar.is_working_day(D(2026, 10, 1))
    assert calendar.add_working_days(D(2026, 3, 7), 5).date == D(2026, 3, 13)


# --- entering a new year --------------------------------------------------------------------


def test_entering_2027_makes_the_same_deadline_exact(db, tmp_path):
    before = calendar.add_working_days(D(2026, 12, 24), 10)
    assert before.provisional and before.unknown_years == (2027,) and before.date == D(2027, 1, 7)
    assert calendar.provisional_note(before)

    import_holidays(write(tmp_path, SCHEDULE_2027))

    after = calendar.add_working_days(D(2026, 12, 24), 10)
    assert not after.provisional and calendar.provisional_note(after) == ""
    assert after.date == D(2027, 1, 8)  # 2027-01-01 is 元旦
    year = HolidayYear.objects.get(year=2027)
    assert (year.published_on, year.source, year.days.count()) == (D(2026, 11, 10), "测试用放假安排", 7)


def test_the_import_records_who_entered_it_and_reports_what_it_did(world, tmp_path):
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_holidays", write(tmp_path, [SCHEDULE_2027]), "--user", "admin", stdout=out)
    assert HolidayYear.objects.get(year=2027).entered_by == world.admin
    assert "Entered 2027: 6 holidays and 1 make-up working days." in out.getvalue()


def test_a_year_already_entered_is_refused_unless_replaced(db, tmp_path):
    import_holidays(write(tmp_path, SCHEDULE_2027))
    assert "2027 is already entered; use --replace" in failure(tmp_path, SCHEDULE_2027)
    smaller = dict(SCHEDULE_2027, days=SCHEDULE_2027["days"][:1])
    import_holidays(write(tmp_path, smaller), "--replace")
    assert HolidayYear.objects.get(year=2027).days.count() == 1


def _bad_day(**changes):
    return dict(SCHEDULE_2027, days=SCHEDULE_2027["days"] + [changes])


@pytest.mark.parametrize("data, message", [
    ("{not json", "is not valid JSON"),
    ("[]", "must hold a year object or a list of year objects"),
    ({"year": "2027", "days": []}, 'Entry 1: "year" must be a whole number'),
    ({"year": 2027, "days": []}, '2027: "days" must be a list'),
    (_bad_day(date="2028-01-03", is_working_day=False, name="元旦"), "2027: 2028-01-03 is not in 2027."),
    (_bad_day(date="2027-10-01", is_working_day=False, name=" "), "2027: 2027-10-01 has no name"),
    (_bad_day(date="2027-10-01", is_working_day=False), "2027: 2027-10-01 has no name"),
    (_bad_day(date="2027-01-01", is_working_day=False, name="元旦"), "2027: 2027-01-01 is listed more than once."),
    (_bad_day(date="2027-10-01", is_working_day="no", name="国庆节"), '"is_working_day" of 2027-10-01 must be true'),
    (_bad_day(date="2027-13-01", is_working_day=False, name="国庆节"), 'day 8: "date" must be a date written YYYY-MM-DD'),
    (dict(SCHEDULE_2027, published_on="10 Nov 2026"), '"published_on" must be a date'),
    ([SCHEDULE_2027, SCHEDULE_2027], "2027 appears more than once in the file."),
])
def test_a_bad_file_is_refused_with_a_specific_message_and_writes_nothing(db, tmp_path, data, message):
    years, days = HolidayYear.objects.count(), CalendarDay.objects.count()
    text = failure(tmp_path, data)
    assert message in text
    assert (HolidayYear.objects.count(), CalendarDay.objects.count()) == (years, days)


def test_one_bad_year_stops_the_good_ones_too(db, tmp_path):
    bad_2028 = {"year": 2028, "days": [{"date": "2027-12-31", "is_working_day": False, "name": "元旦"}]}
    text = failure(tmp_path, [SCHEDULE_2027, bad_2028])
    assert text.startswith("Nothing was entered:") and "2028: 2027-12-31 is not in 2028." in text
    assert not HolidayYear.objects.filter(year__in=[2027, 2028]).exists()


def test_every_problem_is_listed_at_once(db, tmp_path):
    data = dict(SCHEDULE_2027, days=[
        {"date": "2026-12-31", "is_working_day": False, "name": "元旦"},
        {"date": "2027-05-01", "is_working_day": False, "name": ""},
    ])
    text = failure(tmp_path, data)
    assert "2026-12-31 is not in 2027" in text and "2027-05-01 has no name" in text


def test_a_missing_file_is_a_clear_error(db, tmp_path):
    with translation.override("en"), pytest.raises(CommandError, match="Cannot read"):
        import_holidays(str(tmp_path / "absent.json"))


# --- entering a year in the admin --------------------------------------------------------------


def test_an_administrator_enters_2027_in_the_admin_with_its_days(client, world):
    client.force_login(world.admin)
    assert client.get("/admin/core/holidayyear/add/").status_code == 200
    form = {
        "year": "2027", "published_on": "2026-11-10", "source": "国办发明电",
        "days-TOTAL_FORMS": "2", "days-INITIAL_FORMS": "0", "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2027-01-01", "days-0-name": "元旦",
        "days-1-date": "2027-02-06", "days-1-is_working_day": "on", "days-1-name": "春节调休上班",
    }
    response = client.post("/admin/core/holidayyear/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    year = HolidayYear.objects.get(year=2027)
    assert year.entered_by == world.admin
    assert calendar.is_working_day(D(2027, 2, 6)) and not calendar.is_working_day(D(2027, 1, 1))
    assert not calendar.add_working_days(D(2026, 12, 24), 10).provisional


def test_the_admin_refuses_a_day_from_another_year(client, world):
    client.force_login(world.admin)
    form = {
        "year": "2027", "days-TOTAL_FORMS": "1", "days-INITIAL_FORMS": "0",
        "days-MIN_NUM_FORMS": "0", "days-MAX_NUM_FORMS": "1000",
        "days-0-date": "2028-01-01", "days-0-name": "元旦",
    }
    response = client.post("/admin/core/holidayyear/add/", form)
    assert response.status_code == 200
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_inspectors_cannot_reach_the_calendar_admin(client, world):
    client.force_login(world.inspector_x)
    assert client.get("/admin/core/holidayyear/").status_code in (302, 403)


def test_a_change_to_a_day_is_counted_at_once(db):
    assert calendar.is_working_day(D(2026, 3, 9))
    year = HolidayYear.objects.get(year=2026)
    CalendarDay.objects.create(holiday_year=year, date=D(2026, 3, 9), is_working_day=False, name="测试")
    assert not calendar.is_working_day(D(2026, 3, 9))
    CalendarDay.objects.get(date=D(2026, 3, 9)).delete()
    assert calendar.is_working_day(D(2026, 3, 9))


# --- the warning ---------------------------------------------------------------------------


def test_missing_years_are_those_within_the_horizon(db):
    assert calendar.missing_calendar_years(92, today=D(2026, 6, 1)) == []
    assert calendar.missing_calendar_years(92, today=D(2026, 11, 22)) == [2027]
    assert calendar.missing_calendar_years(800, today=D(2026, 11, 22)) == [2027, 2028, 2029]
    assert calendar.missing_calendar_years(92, today=D(2003, 12, 1)) == [2003]
    assert calendar.missing_calendar_years(10**6, today=D(9999, 12, 1)) == [9999]


def test_the_warning_names_the_year(db):
    with translation.override("en"):
        assert calendar.calendar_warnings(today=D(2026, 11, 22)) == [(
            "The 2027 holiday schedule has not been entered; deadlines reaching into 2027 are calculated "
            "provisionally."
        )]
    assert calendar.calendar_warnings(today=D(2026, 6, 1)) == []


def test_the_warning_goes_away_once_the_year_is_entered(db, tmp_path):
    import_holidays(write(tmp_path, SCHEDULE_2027))
    assert calendar.calendar_warnings(today=D(2026, 11, 22)) == []


def _context_for(user, monkeypatch):
    monkeypatch.setattr(calendar, "_today", lambda: D(2026, 11, 22))
    request = RequestFactory().get("/")
    request.user = user
    return warnings_context(request)


def test_the_warning_is_shown_to_administrators(world, monkeypatch):
    assert len(_context_for(world.admin, monkeypatch)["calendar_warnings"]) == 1
    root = User.objects.create_superuser("root", password="pw-root")
    assert len(_context_for(root, monkeypatch)["calendar_warnings"]) == 1


@pytest.mark.parametrize("persona", ["inspector_x", "head_x", "planner_x", "operator_p"])
def test_the_warning_is_not_shown_to_anyone_else(world, monkeypatch, persona):
    assert _context_for(getattr(world, persona), monkeypatch) == {}


def test_the_warning_is_not_shown_to_visitors(db, monkeypatch):
    assert _context_for(AnonymousUser(), monkeypatch) == {}
