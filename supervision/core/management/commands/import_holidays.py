"""Enter a year's holiday schedule (放假安排) from a JSON file, all or nothing.

    manage.py import_holidays 2027.json [--replace] [--user USERNAME]

The file holds one year or a list of years, in the shape of fixtures/holidays/cn-2004-2026.json:

    {"year": 2027, "published_on": "2026-11-10", "source": "国办发明电〔2026〕X号",
     "days": [{"date": "2027-01-01", "is_working_day": false, "name": "元旦"},
              {"date": "2027-02-06", "is_working_day": true, "name": "春节调休上班"}, ...]}

List the public holidays that fall on weekdays and the weekend days worked in exchange
(调休上班); days that follow the Monday–Friday rule may be listed too and change nothing.
Everything is checked before anything is written; any problem and nothing is written.
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from supervision.core.audit import record_created
from supervision.core.models import CalendarDay, HolidayYear


@dataclass
class YearSchedule:
    year: int
    published_on: dt.date | None
    source: str
    days: list[tuple[dt.date, bool, str]] = field(default_factory=list)


class ScheduleError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def parse_schedules(data) -> list[YearSchedule]:
    """Check the decoded JSON and turn it into schedules; raise ScheduleError listing every problem."""
    entries = data if isinstance(data, list) else [data]
    if not entries or not all(isinstance(e, dict) for e in entries):
        raise ScheduleError([_("The file must hold a year object or a list of year objects.")])
    problems: list[str] = []
    schedules: list[YearSchedule] = []
    for index, entry in enumerate(entries, start=1):
        schedule = _parse_year(index, entry, problems)
        if schedule is None:
            continue
        if any(s.year == schedule.year for s in schedules):
            problems.append(_("%(year)s appears more than once in the file.") % {"year": schedule.year})
        schedules.append(schedule)
    if problems:
        raise ScheduleError(problems)
    return schedules


def _parse_year(index: int, entry: dict, problems: list[str]) -> YearSchedule | None:
    year = entry.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not dt.MINYEAR <= year <= dt.MAXYEAR:
        problems.append(_('Entry %(index)s: "year" must be a whole number such as 2027.') % {"index": index})
        return None
    published_on = entry.get("published_on")
    if published_on is not None and _date(published_on) is None:
        problems.append(_('%(year)s: "published_on" must be a date written YYYY-MM-DD, or null.') % {"year": year})
    days = entry.get("days")
    if not isinstance(days, list) or not days:
        problems.append(_('%(year)s: "days" must be a list of the year\'s holidays and make-up working days.')
                        % {"year": year})
        days = []
    schedule = YearSchedule(year, _date(published_on), str(entry.get("source") or "").strip())
    seen: set[dt.date] = set()
    for number, day in enumerate(days, start=1):
        parsed = _parse_day(year, number, day, problems)
        if parsed is None:
            continue
        if parsed[0] in seen:
            problems.append(_("%(year)s: %(date)s is listed more than once.") % {"year": year, "date": parsed[0]})
        seen.add(parsed[0])
        schedule.days.append(parsed)
    return schedule


def _parse_day(year: int, number: int, day, problems: list[str]) -> tuple[dt.date, bool, str] | None:
    where = {"year": year, "number": number}
    if not isinstance(day, dict):
        problems.append(_("%(year)s, day %(number)s: each day must be an object with date, "
                          "is_working_day and name.") % where)
        return None
    date = _date(day.get("date"))
    if date is None:
        problems.append(_('%(year)s, day %(number)s: "date" must be a date written YYYY-MM-DD.') % where)
        return None
    where["date"] = date
    ok = True
    if date.year != year:
        problems.append(_("%(year)s: %(date)s is not in %(year)s.") % where)
        ok = False
    name = day.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(_("%(year)s: %(date)s has no name (for example 春节 or 春节调休上班).") % where)
        ok = False
    elif len(name.strip()) > CalendarDay._meta.get_field("name").max_length:
        problems.append(_("%(year)s: the name of %(date)s is too long.") % where)
        ok = False
    working = day.get("is_working_day")
    if not isinstance(working, bool):
        problems.append(_('%(year)s: "is_working_day" of %(date)s must be true or false.') % where)
        ok = False
    return (date, working, name.strip()) if ok else None


def save_schedules(schedules: list[YearSchedule], *, replace: bool = False, entered_by=None) -> None:
    """Write the schedules in one transaction; refuse years already entered unless `replace`."""
    existing = set(HolidayYear.objects.filter(year__in=[s.year for s in schedules]).values_list("year", flat=True))
    if existing and not replace:
        raise ScheduleError([
            _("%(year)s is already entered; use --replace to enter it again.") % {"year": year}
            for year in sorted(existing)
        ])
    with transaction.atomic():
        HolidayYear.objects.filter(year__in=existing).delete()
        for schedule in schedules:
            holiday_year = HolidayYear.objects.create(
                year=schedule.year, published_on=schedule.published_on, source=schedule.source,
                entered_by=entered_by,
            )
            days = CalendarDay.objects.bulk_create(
                CalendarDay(holiday_year=holiday_year, date=date, is_working_day=working, name=name)
                for date, working, name in schedule.days
            )
            record_created(days)
    # bulk_create sends no signals; make sure the new days are counted from now on.
    from supervision.core.calendar import forget_work_calendar

    forget_work_calendar()


class Command(BaseCommand):
    help = "Enter the official holiday schedule of one or more years from a JSON file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file: one year object or a list of them")
        parser.add_argument("--replace", action="store_true", help="replace years already entered")
        parser.add_argument("--user", help="username recorded as having entered the schedule")

    def handle(self, *args, file, replace, user, **options):
        entered_by = None
        if user:
            try:
                entered_by = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(_("No user named %(user)s.") % {"user": user})
        try:
            with open(file, encoding="utf-8") as f:
                data = json.load(f)
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror})
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(_("%(file)s is not valid JSON: %(error)s") % {"file": file, "error": error})
        try:
            schedules = parse_schedules(data)
            save_schedules(schedules, replace=replace, entered_by=entered_by)
        except ScheduleError as error:
            raise CommandError(_("Nothing was entered:") + "\n" + "\n".join(error.problems))
        for schedule in schedules:
            holidays = sum(1 for day in schedule.days if not day[1])
            self.stdout.write(self.style.SUCCESS(
                _("Entered %(year)s: %(holidays)s holidays and %(workdays)s make-up working days.")
                % {"year": schedule.year, "holidays": holidays, "workdays": len(schedule.days) - holidays}
            ))
