from django.db import migrations

MAINTENANCE = "coalesce(current_setting('fejzo.maintenance', true), '') = 'on'"

GUARDS = f"""
CREATE OR REPLACE FUNCTION privacy_access_record_no_truncate() RETURNS trigger AS $$
BEGIN
    IF {MAINTENANCE} THEN RETURN NULL; END IF;
    RAISE EXCEPTION 'the access record is append-only: TRUNCATE of % refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_access_entry_no_truncate
BEFORE TRUNCATE ON privacy_accessentry
FOR EACH STATEMENT EXECUTE FUNCTION privacy_access_record_no_truncate();

CREATE TRIGGER privacy_access_head_no_truncate
BEFORE TRUNCATE ON privacy_accesschainhead
FOR EACH STATEMENT EXECUTE FUNCTION privacy_access_record_no_truncate();

CREATE OR REPLACE FUNCTION privacy_access_head_moves_one_entry() RETURNS trigger AS $$
BEGIN
    IF {MAINTENANCE} THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' OR NEW.last_seq <> OLD.last_seq + 1 THEN
        RAISE EXCEPTION 'the head of the access record only moves forward one entry at a time'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_access_head_moves_one_entry
BEFORE UPDATE OR DELETE ON privacy_accesschainhead
FOR EACH ROW EXECUTE FUNCTION privacy_access_head_moves_one_entry();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_access_entry_no_truncate ON privacy_accessentry;
DROP TRIGGER IF EXISTS privacy_access_head_no_truncate ON privacy_accesschainhead;
DROP TRIGGER IF EXISTS privacy_access_head_moves_one_entry ON privacy_accesschainhead;
DROP FUNCTION IF EXISTS privacy_access_record_no_truncate();
DROP FUNCTION IF EXISTS privacy_access_head_moves_one_entry();
"""


def guard(apps, schema_editor):
    # Emptying the record, or moving its head back, would hide removed entries from
    # audit_verify. Only a session that declares maintenance (SET fejzo.maintenance =
    # 'on') may; the test settings do, because the test runner empties tables.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARDS, None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, None)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0003_alter_accessentry_subject")]

    operations = [migrations.RunPython(guard, unguard)]
