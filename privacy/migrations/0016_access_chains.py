"""The access record becomes 64 chains, partitioned by subject (issue 17).

The one chain of before is chain 0, entries and hashes unchanged, so it verifies as it
did; new entries go to their subject's chain. Each chain has its head, created here; on
PostgreSQL the guards now watch every head (forward only, onto its own chain's entries;
a new head only at its chain's start), and anchors, which record all heads together,
are append-only. The maintenance switch that lets the test runner empty these tables
now works only for the tables' owner: the site's own role cannot use it.
"""

import hashlib

from django.db import migrations, models

CHAINS = 64
GENESIS_HASH = "0" * 64

MAINTENANCE = (
    "coalesce(current_setting('fejzo.maintenance', true), '') = 'on' "
    "AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), "
    "'MEMBER')"
)
GENESIS_SQL = (
    "CASE WHEN NEW.chain = 0 THEN repeat('0', 64) ELSE encode(sha256(convert_to("
    "'fejzo access chain ' || NEW.chain::text, 'UTF8')), 'hex') END"
)

GUARDS = f"""
CREATE OR REPLACE FUNCTION privacy_access_record_no_truncate() RETURNS trigger AS $$
BEGIN
    IF {MAINTENANCE} THEN RETURN NULL; END IF;
    RAISE EXCEPTION 'the access record is append-only: TRUNCATE of % refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION privacy_access_head_moves_one_entry() RETURNS trigger AS $$
DECLARE
    genesis text;
BEGIN
    IF {MAINTENANCE} THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        genesis := {GENESIS_SQL};
        IF NEW.last_seq <> 0 OR NEW.last_hash <> genesis THEN
            RAISE EXCEPTION 'a new head of the access record starts at its chain''s start'
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' OR NEW.chain <> OLD.chain OR NEW.last_seq <= OLD.last_seq
        OR NOT EXISTS (
            SELECT 1 FROM privacy_accessentry
            WHERE chain = NEW.chain AND seq = NEW.last_seq AND entry_hash = NEW.last_hash
        )
        OR (
            SELECT count(*) FROM privacy_accessentry
            WHERE chain = NEW.chain AND seq > OLD.last_seq AND seq <= NEW.last_seq
        ) <> NEW.last_seq - OLD.last_seq
    THEN
        RAISE EXCEPTION 'the head of the access record only moves forward onto its entries'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS privacy_access_head_moves_one_entry ON privacy_accesschainhead;
CREATE TRIGGER privacy_access_head_moves_one_entry
BEFORE INSERT OR UPDATE OR DELETE ON privacy_accesschainhead
FOR EACH ROW EXECUTE FUNCTION privacy_access_head_moves_one_entry();

CREATE OR REPLACE FUNCTION privacy_access_anchor_append_only() RETURNS trigger AS $$
BEGIN
    IF {MAINTENANCE} THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the access record''s anchors are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_access_anchor_append_only
BEFORE UPDATE OR DELETE ON privacy_accessanchor
FOR EACH ROW EXECUTE FUNCTION privacy_access_anchor_append_only();

CREATE TRIGGER privacy_access_anchor_no_truncate
BEFORE TRUNCATE ON privacy_accessanchor
FOR EACH STATEMENT EXECUTE FUNCTION privacy_access_record_no_truncate();
"""

OLD_MAINTENANCE = "coalesce(current_setting('fejzo.maintenance', true), '') = 'on'"
UNGUARD = f"""
DROP TRIGGER IF EXISTS privacy_access_anchor_no_truncate ON privacy_accessanchor;
DROP TRIGGER IF EXISTS privacy_access_anchor_append_only ON privacy_accessanchor;
DROP FUNCTION IF EXISTS privacy_access_anchor_append_only();
DROP TRIGGER IF EXISTS privacy_access_head_moves_one_entry ON privacy_accesschainhead;
CREATE TRIGGER privacy_access_head_moves_one_entry
BEFORE UPDATE OR DELETE ON privacy_accesschainhead
FOR EACH ROW EXECUTE FUNCTION privacy_access_head_moves_one_entry();
CREATE OR REPLACE FUNCTION privacy_access_record_no_truncate() RETURNS trigger AS $$
BEGIN
    IF {OLD_MAINTENANCE} THEN RETURN NULL; END IF;
    RAISE EXCEPTION 'the access record is append-only: TRUNCATE of % refused', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def genesis(chain):
    if chain == 0:
        return GENESIS_HASH
    return hashlib.sha256(f"fejzo access chain {chain}".encode()).hexdigest()


def heads_create(apps, schema_editor):
    head = apps.get_model("privacy", "AccessChainHead")
    have = set(head.objects.values_list("chain", flat=True))
    # Chain n's head is row n + 1, as privacy.audit creates a missing one; the one head
    # of before (row 1) is chain 0's.
    head.objects.bulk_create(
        head(id=chain + 1, chain=chain, last_seq=0, last_hash=genesis(chain))
        for chain in range(CHAINS)
        if chain not in have
    )


def heads_remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL fejzo.maintenance = 'on'", None)
    apps.get_model("privacy", "AccessChainHead").objects.exclude(chain=0).delete()


def one_chain_only(apps, schema_editor):
    # Going back to one chain would leave the entries of every other chain hanging from
    # a genesis of their own: refuse, rather than break the record.
    entry = apps.get_model("privacy", "AccessEntry")
    if entry.objects.exclude(chain=0).exists():
        raise RuntimeError(
            "The access record has entries in chains other than 0; it cannot go back to one "
            "chain without breaking it."
        )


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, None)

    return run


class Migration(migrations.Migration):
    dependencies = [("privacy", "0015_legal_request_vocabulary")]

    operations = [
        migrations.AddField(
            model_name="accessentry",
            name="chain",
            field=models.PositiveSmallIntegerField(db_default=0, verbose_name="Zinxhiri"),
        ),
        migrations.AddField(
            model_name="accesschainhead",
            name="chain",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="accesschainhead",
            name="chain",
            field=models.PositiveSmallIntegerField(unique=True),
        ),
        migrations.AlterField(
            model_name="accessentry",
            name="seq",
            field=models.BigIntegerField(verbose_name="Nr."),
        ),
        migrations.AddConstraint(
            model_name="accessentry",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"), name="access_chain_seq_unique"
            ),
        ),
        migrations.RemoveIndex(model_name="accessentry", name="access_subject_seq"),
        migrations.AddIndex(
            model_name="accessentry",
            index=models.Index(fields=["subject", "-id"], name="access_subject_id"),
        ),
        migrations.AlterModelOptions(
            name="accessentry",
            options={
                "ordering": ["-id"],
                "verbose_name": "hyrje në regjistrin e qasjeve",
                "verbose_name_plural": "regjistri i qasjeve",
            },
        ),
        migrations.CreateModel(
            name="AccessAnchor",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField()),
                ("heads", models.TextField()),
                ("prev_hash", models.CharField(max_length=64)),
                ("anchor_hash", models.CharField(max_length=64)),
            ],
            options={"ordering": ["-id"]},
        ),
        migrations.RunPython(heads_create, heads_remove),
        migrations.RunPython(_on_postgresql(GUARDS), _on_postgresql(UNGUARD)),
        migrations.RunPython(migrations.RunPython.noop, one_chain_only),
    ]
