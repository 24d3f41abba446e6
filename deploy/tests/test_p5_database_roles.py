"""P5, P14: the site's database role does not own the tables (deploy/postgres-roles.sql).

With every table owned by the owner role, as after `migrate` run by release.sh, the app
role can run the shop, the access record included, but cannot change the record's
rows, empty it, alter its tables or take its triggers away.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from accounts.tests.factories import UserFactory
from privacy.audit import access_record, audit_verify
from privacy.models import AccessAction, AccessBasis, AccessChainHead, AccessEntry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROLES_SQL = Path(__file__).resolve().parents[1] / "postgres-roles.sql"
ENTRIES = AccessEntry._meta.db_table
HEAD = AccessChainHead._meta.db_table
PSQL_IDENTIFIER = re.compile(r':"(\w+)"')


@dataclass(frozen=True)
class Roles:
    owner: str
    app: str


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def psql_statements(path: Path, variables: dict[str, str]) -> list[str]:
    """Return the statements of a psql script, its :"name" variables filled in as psql -v does."""
    text = re.sub(r"--[^\n]*", "", path.read_text())
    text = PSQL_IDENTIFIER.sub(lambda match: _identifier(variables[match.group(1)]), text)
    assert not re.search(r":['\"]?\w", text), "a psql variable this test does not fill"
    return [statement.strip() for statement in text.split(";") if statement.strip()]


@contextmanager
def as_role(role: str) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {_identifier(role)}")
        # The test settings' sessions declare maintenance (the runner empties tables);
        # the site's sessions never do.
        cursor.execute("SET LOCAL fejzo.maintenance = 'off'")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


@pytest.fixture
def roles() -> Roles:
    """Two fresh roles; every table and sequence the owner's, then the script run twice.

    All of it happens in the test's transaction, so the rollback takes it away again.
    """
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    suffix = secrets.token_hex(4)
    made = Roles(owner=f"fejzo_owner_{suffix}", app=f"fejzo_app_{suffix}")
    with connection.cursor() as cursor:
        for role in (made.owner, made.app):
            cursor.execute(f"CREATE ROLE {_identifier(role)} NOLOGIN")
        cursor.execute(
            "SELECT format('ALTER TABLE %%I OWNER TO %%I', tablename, %s) "
            "FROM pg_tables WHERE schemaname = 'public'",
            [made.owner],
        )
        for (statement,) in cursor.fetchall():
            cursor.execute(statement)
        variables = {
            "DBNAME": connection.settings_dict["NAME"],
            "owner_role": made.owner,
            "app_role": made.app,
        }
        for _ in range(2):
            for statement in psql_statements(ROLES_SQL, variables):
                cursor.execute(statement)
    return made


def _refused(sql: str) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


def _triggers(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [table],
        )
        return [name for (name,) in cursor.fetchall()]


def _record_entry() -> AccessEntry:
    return access_record(
        actor=None,
        subject_id=UserFactory().pk,
        action=AccessAction.REVEAL,
        fields=["accounts.User.email"],
        basis=AccessBasis.ORDER,
        reference="3VF-DEPLOY-1",
    )


def test_p5_the_app_role_runs_the_shop_and_appends_to_the_access_record(roles):
    with as_role(roles.app):
        entry = _record_entry()
        assert AccessEntry.objects.filter(pk=entry.pk).exists()
        report = audit_verify()

    assert report.intact
    assert report.checked >= 1


def test_p5_the_app_role_cannot_alter_the_access_record_nor_take_its_triggers_away(roles):
    _record_entry()
    guarded = {table: _triggers(table) for table in (ENTRIES, HEAD)}
    assert all(guarded.values()), guarded
    with as_role(roles.app):
        for table, triggers in guarded.items():
            _refused(f"ALTER TABLE {table} ADD COLUMN note text")
            _refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            _refused(f"ALTER TABLE {table} OWNER TO {_identifier(roles.app)}")
            _refused(f"DROP TABLE {table}")
            _refused(f"TRUNCATE {table}")
            for trigger in triggers:
                _refused(f"ALTER TABLE {table} DISABLE TRIGGER {_identifier(trigger)}")
                _refused(f"DROP TRIGGER {_identifier(trigger)} ON {table}")
        _refused(f"UPDATE {ENTRIES} SET reason = 'changed'")  # noqa: S608 - model table names
        _refused(f"DELETE FROM {ENTRIES}")  # noqa: S608 - model table names
        # Triggers are switched off for a session this way; only a superuser may.
        _refused("SET session_replication_role = replica")
        # Nor add objects of its own to the schema, or replace the guards' functions.
        _refused("CREATE TABLE deploy_probe (id int)")
        _refused(
            "CREATE OR REPLACE FUNCTION privacy_access_entry_append_only() RETURNS trigger "
            "AS $$ BEGIN RETURN NEW; END; $$ LANGUAGE plpgsql"
        )

    with connection.cursor() as cursor:
        # Nor become the owner: it is no member of it (here the test's superuser session
        # could SET ROLE anywhere, so membership is what is checked).
        cursor.execute("SELECT pg_has_role(%s, %s, 'MEMBER')", [roles.app, roles.owner])
        assert cursor.fetchone() == (False,)
    assert {table: _triggers(table) for table in (ENTRIES, HEAD)} == guarded
    assert AccessEntry.objects.filter(reason="changed").count() == 0
    assert audit_verify().intact


def test_p5_tables_of_later_migrations_are_granted_to_the_app_role(roles):
    # given a table the owner creates in a later migration
    with as_role(roles.owner), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE deploy_later (id bigint GENERATED BY DEFAULT AS IDENTITY "
            "PRIMARY KEY, note text)"
        )
    # then the app role uses its rows, and nothing more
    with as_role(roles.app):
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO deploy_later (note) VALUES ('a') RETURNING id")
            (row_id,) = cursor.fetchone()
            cursor.execute("UPDATE deploy_later SET note = 'b' WHERE id = %s", [row_id])
            cursor.execute("SELECT note FROM deploy_later WHERE id = %s", [row_id])
            assert cursor.fetchone() == ("b",)
            cursor.execute("DELETE FROM deploy_later WHERE id = %s", [row_id])
        _refused("ALTER TABLE deploy_later ADD COLUMN more text")
        _refused("TRUNCATE deploy_later")
        _refused("DROP TABLE deploy_later")


def test_p5_the_app_role_cannot_move_the_head_even_declaring_maintenance(roles):
    _record_entry()
    with as_role(roles.app):
        with connection.cursor() as cursor:
            # Any role may set a custom parameter; the bypass must not be its to use.
            cursor.execute("SET LOCAL fejzo.maintenance = 'on'")
        _refused(f"DELETE FROM {HEAD}")  # noqa: S608 - model table names
        _refused(f"UPDATE {HEAD} SET last_seq = 0")  # noqa: S608 - model table names

    assert audit_verify().intact
