"""The rule sets shipped with the system, frozen as they were (credit/rules.py may change later)."""

import datetime as dt

from django.db import migrations

SHIPPED = [
    {
        "code": "default",
        "version": 1,
        "name": "Default (DOMAIN.md §6)",
        "effective_from": "2026-01-01",
        "base": "80",
        "points": {
            "finding": {"A": 0, "B": 0, "C": 0, "D": -1, "E": -2, "F": -3, "G": -4, "H": -5, "I": -6, "J": -8, "K": -9, "L": -10},
            "inspection_without_findings": {"": 0},
            "rectified_on_time": {"": 0},
            "rectified_late": {"": -2},
            "recheck_failed": {"": -2},
            "rectification_overdue": {"": -5},
            "commitment_broken": {"": -5},
            "false_filing": {"": -5},
            "penalty": {"": -10},
            "inspection_refused": {"": -10},
            "complaint_verified": {"": -3},
            "commendation": {"": 5},
            "grading_level": {"1": 2, "2": 4, "3": 6, "4": 8, "5": 10},
            "blacklist_entry": {"": -20},
            "blacklist_removal": {"": 0},
        },
        "window_months": {"minor": 3, "general": 12, "serious": 36},
        "decay": False,
        "bands": [{"grade": "A", "low": "90", "high": "100"}, {"grade": "B", "low": "75", "high": "90"}, {"grade": "C", "low": "60", "high": "75"}, {"grade": "D", "low": "0", "high": "60"}],
        "blacklist_grade": "D",
    },
    {
        "code": "cms",
        "version": 1,
        "name": "CMS health-inspection points (comparison)",
        "effective_from": "2026-01-01",
        "base": "100",
        "points": {
            "finding": {"A": 0, "B": 0, "C": 0, "D": -4, "E": -8, "F": -16, "G": -20, "H": -35, "I": -45, "J": -50, "K": -100, "L": -150},
            "inspection_without_findings": {"": 0},
            "rectified_on_time": {"": 0},
            "rectified_late": {"": 0},
            "recheck_failed": {"": 0},
            "rectification_overdue": {"": 0},
            "commitment_broken": {"": 0},
            "false_filing": {"": 0},
            "penalty": {"": 0},
            "inspection_refused": {"": 0},
            "complaint_verified": {"": 0},
            "commendation": {"": 0},
            "grading_level": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
            "blacklist_entry": {"": 0},
            "blacklist_removal": {"": 0},
        },
        "window_months": {"minor": 3, "general": 12, "serious": 36},
        "decay": True,
        "bands": [{"grade": "A", "low": "90", "high": "100"}, {"grade": "B", "low": "75", "high": "90"}, {"grade": "C", "low": "60", "high": "75"}, {"grade": "D", "low": "0", "high": "60"}],
        "blacklist_grade": "D",
    },
]


def forwards(apps, schema_editor):
    RuleSet = apps.get_model("credit", "RuleSet")
    for row in SHIPPED:
        if not RuleSet.objects.filter(code=row["code"], version=row["version"]).exists():
            RuleSet.objects.create(**{**row, "effective_from": dt.date.fromisoformat(row["effective_from"])})


def backwards(apps, schema_editor):
    apps.get_model("credit", "RuleSet").objects.filter(version=1, code__in=[r["code"] for r in SHIPPED]).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0002_ledger_append_only")]
    operations = [migrations.RunPython(forwards, backwards)]
