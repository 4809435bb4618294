"""The two numbered documents of a listing: the prior notice (告知书) and the decision (决定书)."""

from django.db import migrations

DOC_TYPES = [
    {"code": "listing-prior-notice", "name": "列入失信名单告知书", "abbr": "列名告",
     "number_format": "{dept}{abbr}〔{year}〕{n}号"},
    {"code": "listing-decision", "name": "列入失信名单决定书", "abbr": "列名决",
     "number_format": "{dept}{abbr}〔{year}〕{n}号"},
]


def forwards(apps, schema_editor):
    DocumentType = apps.get_model("core", "DocumentType")
    for doc_type in DOC_TYPES:
        DocumentType.objects.get_or_create(code=doc_type["code"], defaults=doc_type)


def backwards(apps, schema_editor):
    apps.get_model("core", "DocumentType").objects.filter(code__in=[d["code"] for d in DOC_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("listings", "0001_initial"),
        ("core", "0004_holidays_2004_2026"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
