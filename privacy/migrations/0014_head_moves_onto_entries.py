from django.db import migrations

MAINTENANCE = "coalesce(current_setting('fejzo.maintenance', true), '') = 'on'"

# The head may move forward past several entries appended together (one UPDATE for a
# batch, not one per entry), but only onto the last of them: every entry it passes
# must exist, and the one it lands on must carry the hash it records. Moving back,
# sideways or onto nothing is refused as before, so a removed entry still cannot hide.
MOVES_ONTO_ENTRIES = f"""
CREATE OR REPLACE FUNCTION privacy_access_head_moves_one_entry() RETURNS trigger AS $$
BEGIN
    IF {MAINTENANCE} THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' OR NEW.last_seq <= OLD.last_seq
        OR NOT EXISTS (
            SELECT 1 FROM privacy_accessentry
            WHERE seq = NEW.last_seq AND entry_hash = NEW.last_hash
        )
        OR (
            SELECT count(*) FROM privacy_accessentry
            WHERE seq > OLD.last_seq AND seq <= NEW.last_seq
        ) <> NEW.last_seq - OLD.last_seq
    THEN
        RAISE EXCEPTION 'the head of the access record only moves forward onto its entries'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

ONE_ENTRY_AT_A_TIME = f"""
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
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)

    return run


class Migration(migrations.Migration):
    dependencies = [("privacy", "0013_contractor_vocabulary")]

    operations = [
        migrations.RunPython(
            _on_postgresql(MOVES_ONTO_ENTRIES), _on_postgresql(ONE_ENTRY_AT_A_TIME)
        )
    ]
