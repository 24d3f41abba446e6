"""P5, P14: the access record is append-only and hash-chained; audit_verify finds tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from accounts.tests.factories import UserFactory
from privacy.audit import Access, access_record, access_record_many, audit_verify
from privacy.models import AccessAction, AccessBasis, AccessChainHead, AccessEntry

pytestmark = pytest.mark.django_db

TABLE = AccessEntry._meta.db_table


def _entries(count: int) -> list[AccessEntry]:
    staff = UserFactory(is_staff=True)
    customer = UserFactory()
    return [
        access_record(
            actor=staff,
            actor_label="sales",
            subject_id=customer.pk,
            action=AccessAction.REVEAL,
            fields=["accounts.User.first_name", "orders.Order.delivery_phone"],
            basis=AccessBasis.ORDER,
            reference=f"3VF-261127-{n:05d}",
            ip_address="10.0.0.7",
        )
        for n in range(count)
    ]


def _tamper(sql: str, params: list[object]) -> None:
    """Change the table behind the application's back, as someone with SQL access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER privacy_access_entry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER privacy_access_entry_append_only")


def _verify_fails_at(seq: int) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    assert f"entry #{seq}" in str(failure.value)
    return str(failure.value)


def test_p5_intact_chain_verifies(capsys):
    _entries(5)
    call_command("audit_verify")
    assert "intact: 5 entries" in capsys.readouterr().out
    assert audit_verify().intact


def test_p5_entries_hold_names_of_fields_never_values():
    customer = UserFactory(first_name="Mirela", phone="+355691112233")
    entry = access_record(
        actor=None,
        subject_id=customer.pk,
        action=AccessAction.REVEAL,
        fields=["accounts.User.first_name", "accounts.User.phone"],
        basis=AccessBasis.ORDER,
    )
    stored = " ".join(
        str(value) for value in AccessEntry.objects.filter(pk=entry.pk).values()[0].values()
    )
    assert "Mirela" not in stored and "691112233" not in stored


def test_p5_sql_update_in_the_middle_is_named():
    entries = _entries(5)
    _tamper(f"UPDATE {TABLE} SET reference = %s WHERE id = %s", ["3VF-X", entries[2].pk])  # noqa: S608
    message = _verify_fails_at(3)
    assert "changed" in message


def test_p5_sql_delete_in_the_middle_is_named():
    entries = _entries(5)
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])  # noqa: S608
    _verify_fails_at(4)


def test_p5_sql_insert_in_the_middle_is_named():
    entries = _entries(5)
    forged = entries[1]
    _tamper(
        f"INSERT INTO {TABLE} (seq, at, actor_kind, actor_label, subject_id, action, fields, "  # noqa: S608
        "basis, reference, reason, prev_hash, entry_hash) "
        "VALUES (%s, %s, 'staff', 'sales', %s, 'reveal', 'accounts.User.email', 'order', "
        "'', '', %s, %s)",
        [forged.seq, forged.at, forged.subject_id, forged.prev_hash, forged.entry_hash],
    )
    message = _verify_fails_at(2)
    assert "removed or inserted" in message


def test_p5_entries_removed_at_the_end_are_found():
    entries = _entries(3)
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[-1].pk])  # noqa: S608
    _verify_fails_at(3)


def test_p5_entries_survive_the_deletion_of_the_people_they_mention():
    from accounts.models import User

    entry = _entries(1)[0]
    User.objects.filter(pk__in=[entry.actor_id, entry.subject_id]).delete()
    kept = AccessEntry.objects.get(pk=entry.pk)
    assert (kept.actor_id, kept.subject_id) == (entry.actor_id, entry.subject_id)
    assert audit_verify().intact


@pytest.mark.postgres
def test_p5_database_refuses_update_and_delete_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("database roles and triggers are PostgreSQL's")
    entry = _entries(1)[0]
    for sql in (
        f"UPDATE {TABLE} SET reason = 'x' WHERE id = %s",  # noqa: S608
        f"DELETE FROM {TABLE} WHERE id = %s",  # noqa: S608
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AccessEntry.objects.filter(pk=entry.pk, reason="").exists()


@pytest.mark.parametrize(
    "address",
    ["2001:DB8:0:0:0:0:0:1", "::ffff:10.0.0.1", "192.168.1.20", "::1.2.3.4", "::1", "::0.0.1.2"],
)
def test_p5_addresses_in_any_spelling_verify(address):
    access_record(
        actor=None,
        subject_id=1,
        action=AccessAction.REVEAL,
        fields=["accounts.User.email"],
        basis=AccessBasis.ORDER,
        ip_address=address,
    )
    assert audit_verify().intact


def test_p5_entries_appended_during_a_walk_are_not_tampering(monkeypatch):
    from privacy import audit

    _entries(3)
    walk = audit._rows

    def appends_midway(chunk_size):  # type: ignore[no-untyped-def]
        for number, row in enumerate(walk(chunk_size)):
            if number == 1:
                _entries(2)
            yield row

    monkeypatch.setattr(audit, "_rows", appends_midway)
    assert audit_verify(chunk_size=1).intact


@pytest.mark.postgres
def test_p5_the_record_cannot_be_emptied_nor_its_head_moved_back_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers are PostgreSQL's")
    _entries(2)
    for sql in (
        f"TRUNCATE {TABLE}",
        "TRUNCATE privacy_accesschainhead",
        "UPDATE privacy_accesschainhead SET last_seq = 0",
        "DELETE FROM privacy_accesschainhead",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only|only moves forward"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            # The application's sessions do not declare maintenance; the test runner's do.
            cursor.execute("SET LOCAL fejzo.maintenance = 'off'")
            cursor.execute(sql)
    assert AccessEntry.objects.count() == 2
    assert audit_verify().intact


def _accesses(count: int) -> list[Access]:
    staff = UserFactory(is_staff=True)
    customer = UserFactory()
    return [
        Access(
            actor=staff,
            subject_id=customer.pk,
            action=AccessAction.REVEAL,
            fields=["orders.Order.delivery_phone"],
            basis=AccessBasis.ORDER,
            reference=f"3VF-261127-{n:05d}",
        )
        for n in range(count)
    ]


def test_p5_a_batch_moves_the_head_once_onto_its_last_entry(django_assert_max_num_queries):
    _entries(1)
    accesses = _accesses(50)
    # Savepoint, lock, the INSERT (SQLite splits it in two), the head, release.
    with django_assert_max_num_queries(6):
        batch = access_record_many(accesses)
    head = AccessChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (batch[-1].seq, batch[-1].entry_hash)
    assert [entry.seq for entry in batch] == list(range(2, 52))
    report = audit_verify()
    assert report.intact and report.checked == 51


@pytest.mark.postgres
def test_p5_the_head_cannot_jump_onto_nothing_nor_past_a_missing_entry_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers are PostgreSQL's")
    entries = _entries(3)
    for sql, params in (
        # Onto an entry that does not exist.
        (
            "UPDATE privacy_accesschainhead SET last_seq = 9, last_hash = %s",
            [entries[-1].entry_hash],
        ),
        # Onto an entry, with another hash than its own.
        ("UPDATE privacy_accesschainhead SET last_seq = 3, last_hash = %s", ["0" * 64]),
        # Sideways.
        ("UPDATE privacy_accesschainhead SET last_hash = %s", [entries[0].entry_hash]),
    ):
        with (
            pytest.raises(DatabaseError, match="only moves forward"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL fejzo.maintenance = 'off'")
            cursor.execute(sql, params)
    # Past a missing entry: one written at #5 by hand, where #4 never was.
    stray = entries[-1]
    stray.pk, stray.seq = None, 5
    stray.save()
    with (
        pytest.raises(DatabaseError, match="only moves forward"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET LOCAL fejzo.maintenance = 'off'")
        cursor.execute(
            "UPDATE privacy_accesschainhead SET last_seq = 5, last_hash = %s", [stray.entry_hash]
        )
    assert AccessChainHead.objects.get().last_seq == 3
