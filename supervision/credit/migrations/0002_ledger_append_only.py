"""On PostgreSQL, refuse UPDATE and DELETE on the credit ledger in the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION credit_creditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'credit_creditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER credit_creditevent_append_only
    BEFORE UPDATE OR DELETE ON credit_creditevent
    FOR EACH ROW EXECUTE FUNCTION credit_creditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS credit_creditevent_append_only ON credit_creditevent;
DROP FUNCTION IF EXISTS credit_creditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
