"""The trigram indexes of 0008 without GIN's pending list (fastupdate = off).

With fastupdate on (PostgreSQL's default), new rows go to an unsorted pending list that every
search scans in full until a vacuum merges it; the planner prices that in, and once the list is
long (a bulk import, or the rolled-back rows of a test run, before autovacuum has passed) it
prefers a scan with a filter to the trigram index. The registry is written rarely and searched
often: entries go straight into the index, and any list already there is merged now."""

from django.db import migrations

INDEXES = ("registry_institution_name_trgm", "registry_institution_pinyin_trgm")


def existing(cursor):
    cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [list(INDEXES)])
    return [row[0] for row in cursor.fetchall()]


def without_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in existing(cursor):  # none when pg_trgm could not be created (0008)
            cursor.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [name])


def with_pending_list(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in existing(cursor):
            cursor.execute(f"ALTER INDEX {name} RESET (fastupdate)")


class Migration(migrations.Migration):

    dependencies = [("registry", "0008_institution_name_trigram_indexes")]

    operations = [migrations.RunPython(without_pending_list, with_pending_list)]
