"""Version 1 of the default written commitment (fixtures/commitments/default.json) and the 备案回执 document type.

No national template of the 承诺书 was found (DOMAIN.md §3, [U]): the default names the five
items of Art. 11; administrators edit it, and localities add items, in the admin.
"""

import json

from django.conf import settings
from django.db import migrations

DOC_TYPE = {"code": "filing-receipt", "name": "养老机构备案回执", "abbr": "备",
            "number_format": "{dept}{abbr}〔{year}〕{n}号"}


def forwards(apps, schema_editor):
    DocumentType = apps.get_model("core", "DocumentType")
    CommitmentTemplate = apps.get_model("filings", "CommitmentTemplate")
    DocumentType.objects.get_or_create(code=DOC_TYPE["code"], defaults=DOC_TYPE)
    with open(settings.BASE_DIR / "fixtures" / "commitments" / "default.json", encoding="utf-8") as f:
        doc = json.load(f)
    if not CommitmentTemplate.objects.filter(region__isnull=True).exists():
        CommitmentTemplate.objects.create(region=None, version=1, title=doc["title"], preamble=doc["preamble"],
                                          items=doc["items"])


def backwards(apps, schema_editor):
    apps.get_model("filings", "CommitmentTemplate").objects.filter(signatures__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("filings", "0001_initial"),
        ("core", "0004_holidays_2004_2026"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
