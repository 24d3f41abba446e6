"""P12 acceptance for issue 17: back up, erase a customer, restore, and she is erased again.

On the suite's database (SQLite or PostgreSQL): the demo shop and its fully used
customer; a backup; her erasure by the real engine (journalled outside the database);
then `manage.py restore` into a new, empty database in a process of its own. The
restored database holds her erased exactly as the live one does (the registry's personal
fields of every row about her), every other row equal, and an intact access record.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from accounts.models import User
from backups.journal import journal_read
from backups.services import backup_take
from backups.tests.conftest import Target
from backups.tests.snapshot import snapshot
from demo.fully_used import seed_fully_used_customer
from demo.seed import demo_seed
from privacy.audit import audit_verify
from privacy.registry import Erasure, Mask, registry
from rights.erasure.engine import ErasureCause, erase_people

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shop() -> User:
    """The demo shop (customers, orders, cases, mail) and its customer who used it all."""
    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)
    demo_seed()
    return seed_fully_used_customer()


def _differences(live: dict[str, Any], restored: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(table, key, column) of every value that differs; column "*" for a row one side lacks."""
    found: set[tuple[str, str, str]] = set()
    assert set(live) == set(restored), "the restored database has other tables"
    for table, rows in live.items():
        columns = rows["columns"]
        assert columns == restored[table]["columns"], table
        mine, theirs = rows["rows"], restored[table]["rows"]
        found |= {(table, key, "*") for key in set(mine) ^ set(theirs)}
        for key in set(mine) & set(theirs):
            found |= {
                (table, key, column)
                for column, a, b in zip(columns, mine[key], theirs[key], strict=True)
                if a != b
            }
    return found


def _random_stand_ins() -> set[tuple[str, str]]:
    """(model label, field) the engine replaces with a new random identifier each time."""
    return {
        (declaration.label, name)
        for declaration in registry.about_customers()
        for name, entry in declaration.fields.items()
        if entry.erasure == Erasure.ANONYMISE
        and entry.mask == Mask.HIDDEN
        and not declaration.model._meta.get_field(name).blank
    }


def _her_personal_columns(personal: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(table, key, column) of the registry's personal fields in every row about her."""
    found = set()
    for declaration in registry.about_customers():
        for key in personal.get(declaration.label, {}):
            for name in declaration.fields:
                column = declaration.model._meta.get_field(name).column  # type: ignore[union-attr]
                found.add((declaration.model._meta.db_table, key, column))
    return found


def _written_by_the_erasure(
    live: dict[str, Any], restored: dict[str, Any], *, customer: User, heads_at_backup: list[Any]
) -> set[tuple[str, str, str]]:
    """What an erasure run at another moment writes otherwise: its time, its hashes."""
    tables = live["tables"]
    expected = {("accounts_user", str(customer.pk), "password")}  # a new unusable hash
    erased = tables["privacy_erasedsubject"]
    expected |= {
        ("privacy_erasedsubject", key, "erased_at")
        for key, row in erased["rows"].items()
        if row[erased["columns"].index("user_id")] == str(customer.pk)
    }
    holds = tables["privacy_legalhold"]
    expected |= {
        ("privacy_legalhold", key, column)
        for key, row in holds["rows"].items()
        if row[holds["columns"].index("subject_id")] == str(customer.pk)
        for column in ("placed_at", "review_on")
    }
    # Her address's do-not-mail hash, kept from the moment of erasure (P13).
    kept = set(tables["subscriptions_suppression"]["rows"]) - set(live["suppressions_at_backup"])
    expected |= {("subscriptions_suppression", key, "created_at") for key in kept}
    # The access record: the erasure's entries, at another time, so other hashes; and
    # the heads of the chains they went into.
    entries = tables["privacy_accessentry"]
    at_backup = {int(key) for key in live["entries_at_backup"]}
    expected |= {
        ("privacy_accessentry", key, column)
        for key in entries["rows"]
        if int(key) not in at_backup
        for column in ("at", "entry_hash", "prev_hash")
    }
    moved = {str(head["id"]) for head in heads_at_backup if head != _head(tables, str(head["id"]))}
    expected |= {("privacy_accesschainhead", key, "last_hash") for key in moved}
    return expected


def _head(tables: dict[str, Any], key: str) -> dict[str, str]:
    heads = tables["privacy_accesschainhead"]
    return dict(zip(heads["columns"], heads["rows"][key], strict=True))


def test_p12_backup_erase_restore_erases_her_again_and_keeps_everything_else(
    shop: User, restore_target: Target, erasure_journal: Path, tmp_path: Path
) -> None:
    # given: a backup of the whole shop, her data in it
    customer = shop
    backup = backup_take(directory=tmp_path / "backups")
    heads_at_backup = backup.manifest["access_record_heads"]
    before = snapshot(customer.pk)["tables"]

    # when: she is erased after the backup (the engine, as the officer's execution runs it)
    erase_people([customer.pk], cause=ErasureCause.REQUEST, reference="KF-TEST-1")
    live = snapshot(customer.pk)
    assert [line.erased.subject for line in journal_read()] == [customer.pk]
    # ... and the database is lost: the backup is restored into a new, empty one
    run = restore_target.manage("restore", str(backup.folder))

    # then: she is erased again, with the pseudonym the live shop gave her
    assert run.returncode == 0, run.stderr
    assert "1 erased again" in run.stdout
    assert "The access record is intact" in run.stdout
    restored = restore_target.snapshot(customer.pk)
    random = _random_stand_ins()
    for label, rows in live["personal"].items():
        for key, fields in rows.items():
            theirs = restored["personal"][label][key]
            for name, value in fields.items():
                if (label, name) in random:
                    assert value and theirs[name], (label, key, name)
                else:
                    assert theirs[name] == value, (label, key, name)
    assert restored["personal"].keys() == live["personal"].keys()
    # ... and every other value is equal; what differs is her personal fields (sealed
    # again under new nonces), and what an erasure at another moment writes otherwise
    live["suppressions_at_backup"] = before["subscriptions_suppression"]["rows"]
    live["entries_at_backup"] = before["privacy_accessentry"]["rows"]
    differences = _differences(live["tables"], restored["tables"])
    explained = _her_personal_columns(live["personal"]) | _written_by_the_erasure(
        live, restored, customer=customer, heads_at_backup=heads_at_backup
    )
    assert differences - explained == set()
    # ... the erasure's own entries are the same entries, written at the restore's time
    entries = live["tables"]["privacy_accessentry"]
    assert set(entries["rows"]) == set(restored["tables"]["privacy_accessentry"]["rows"])
    assert audit_verify().intact
