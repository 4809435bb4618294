"""On PostgreSQL, trigram indexes for the public search's substring matches (name LIKE '%…%',
name_pinyin LIKE '%…%'), which a B-tree cannot serve. Elsewhere (SQLite) nothing: the B-tree of
0007 and a scan of 100,000 short keys suffice for the embedded default.

pg_trgm ships with PostgreSQL; creating it needs the right to (a superuser or a trusted-extension
owner). Without it the migration still applies, leaving the search on the B-tree indexes."""

from django.db import migrations, transaction

INDEXES = {
    "registry_institution_name_trgm": "name",
    "registry_institution_pinyin_trgm": "name_pinyin",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception:  # noqa: BLE001 - no right to create it: keep the B-tree search
            return
        for name, column in INDEXES.items():
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON registry_institution "
                           f"USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [("registry", "0007_institution_name_pinyin")]

    operations = [migrations.RunPython(create, drop)]
