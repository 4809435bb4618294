"""The notice's document type (示民整改〔2026〕17号) and the default deadline per severity cell.

Defaults [S]: working days by the row of the scope × severity grid (DOMAIN.md §5); an
administrator edits them in the admin. Immediate jeopardy (J–L) gets days, not weeks.
"""

from django.db import migrations

DOC_TYPE = {"code": "rectification-notice", "name": "责令限期整改通知书", "abbr": "整改",
            "number_format": "{dept}{abbr}〔{year}〕{n}号"}

# severity cells -> (default, fewest, most) working days
RULES = {
    "ABC": (30, 15, 60),  # no actual harm, minimal potential
    "DEF": (20, 10, 40),  # potential for more than minimal harm
    "GHI": (10, 5, 20),  # actual harm
    "JKL": (3, 1, 5),  # immediate jeopardy (a major hazard is at least this)
}


def forwards(apps, schema_editor):
    DocumentType = apps.get_model("core", "DocumentType")
    DeadlineRule = apps.get_model("rectification", "DeadlineRule")
    DocumentType.objects.get_or_create(code=DOC_TYPE["code"], defaults=DOC_TYPE)
    for cells, (default, fewest, most) in RULES.items():
        for cell in cells:
            DeadlineRule.objects.get_or_create(
                severity=cell, defaults={"default_days": default, "min_days": fewest, "max_days": most}
            )


def backwards(apps, schema_editor):
    apps.get_model("rectification", "DeadlineRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0001_initial"),
        ("core", "0004_holidays_2004_2026"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
