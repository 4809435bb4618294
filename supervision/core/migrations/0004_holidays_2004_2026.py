"""Load the official holiday schedules 2004–2026 (fixtures/holidays/cn-2004-2026.json).

The file was generated once from the `chinesecalendar` package by scripts/gen_holiday_fixture.py;
a fresh database thus knows these years without that package. Later years are entered by an
administrator (admin, or manage.py import_holidays), so the "administrator" role is given the
permissions on the new tables here (staff/0002 gave it those that existed then).
"""

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth.management import create_permissions
from django.db import migrations

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "holidays" / "cn-2004-2026.json"


def load(apps, schema_editor):
    HolidayYear = apps.get_model("core", "HolidayYear")
    CalendarDay = apps.get_model("core", "CalendarDay")
    db = schema_editor.connection.alias
    for entry in json.loads(FIXTURE.read_text(encoding="utf-8")):
        if HolidayYear.objects.using(db).filter(year=entry["year"]).exists():
            continue
        year = HolidayYear.objects.using(db).create(
            year=entry["year"], source=entry["source"],
            published_on=dt.date.fromisoformat(entry["published_on"]) if entry["published_on"] else None,
        )
        CalendarDay.objects.using(db).bulk_create(
            CalendarDay(
                holiday_year=year, date=dt.date.fromisoformat(day["date"]),
                is_working_day=day["is_working_day"], name=day["name"],
            )
            for day in entry["days"]
        )


def unload(apps, schema_editor):
    HolidayYear = apps.get_model("core", "HolidayYear")
    years = [entry["year"] for entry in json.loads(FIXTURE.read_text(encoding="utf-8"))]
    HolidayYear.objects.using(schema_editor.connection.alias).filter(year__in=years).delete()


ADMINISTRATOR_PERMISSIONS = [
    "add_holidayyear", "change_holidayyear", "delete_holidayyear", "view_holidayyear",
    "add_calendarday", "change_calendarday", "delete_calendarday", "view_calendarday",
    "add_documenttype", "change_documenttype", "delete_documenttype", "view_documenttype",
    "view_documentcounter",
]


def grant_administrators(apps, schema_editor):
    core = apps.get_app_config("core")
    core.models_module = True  # create_permissions skips apps it thinks have no models
    create_permissions(core, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    core.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="administrator").first()
    if group is not None:
        group.permissions.add(*Permission.objects.filter(
            content_type__app_label="core", codename__in=ADMINISTRATOR_PERMISSIONS
        ))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_calendar_and_document_numbers"),
        ("staff", "0002_roles_and_specialties"),  # creates the "administrator" group
    ]

    operations = [
        migrations.RunPython(load, unload),
        migrations.RunPython(grant_administrators, migrations.RunPython.noop),
    ]
