from django.db import migrations

APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION privacy_access_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access record is append-only: % on privacy_accessentry refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY_TRIGGER = """
CREATE TRIGGER privacy_access_entry_append_only
BEFORE UPDATE OR DELETE ON privacy_accessentry
FOR EACH ROW EXECUTE FUNCTION privacy_access_entry_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS privacy_access_entry_append_only ON privacy_accessentry;
DROP FUNCTION IF EXISTS privacy_access_entry_append_only();
"""


def create_head(apps, schema_editor):
    AccessChainHead = apps.get_model("privacy", "AccessChainHead")
    AccessChainHead.objects.get_or_create(pk=1)


def forbid_changes(apps, schema_editor):
    # The application's database role may append entries but never alter or remove
    # them (P5, P14). SQLite has no roles; there audit_verify is the guard.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_FUNCTION, None)
        schema_editor.execute(APPEND_ONLY_TRIGGER, None)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [
        migrations.RunPython(create_head, migrations.RunPython.noop),
        migrations.RunPython(forbid_changes, allow_changes),
    ]
