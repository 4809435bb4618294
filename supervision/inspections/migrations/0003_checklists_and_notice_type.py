"""Load version 1 of every checklist in fixtures/checklists/, and the 检查通知书 document type."""

from django.db import migrations

DOC_TYPE = {"code": "inspection-notice", "name": "检查通知书", "abbr": "检通"}


def forwards(apps, schema_editor):
    from supervision.inspections import checklists

    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    for path in checklists.fixture_files():
        checklists.publish(ChecklistTemplate, checklists.load_file(path))
    DocumentType = apps.get_model("core", "DocumentType")
    DocumentType.objects.get_or_create(code=DOC_TYPE["code"], defaults=DOC_TYPE)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_field_records"),
        ("core", "0003_calendar_and_document_numbers"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
