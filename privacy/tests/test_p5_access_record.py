"""P5, P14: the access record is append-only and hash-chained; audit_verify finds tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.tests.factories import UserFactory
from privacy.audit import Access, access_anchor, access_record, access_record_many, audit_verify
from privacy.models import (
    ACCESS_CHAINS,
    AccessAction,
    AccessBasis,
    AccessChainHead,
    AccessEntry,
    chain_genesis,
    chain_of,
)

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


INSERT_FORGED = (
    f"INSERT INTO {TABLE} (chain, seq, at, actor_kind, actor_label, subject_id, action, "  # noqa: S608
    "fields, basis, reference, reason, prev_hash, entry_hash) "
    "VALUES (%s, %s, %s, 'staff', 'sales', %s, 'reveal', 'accounts.User.email', 'order', "
    "'', '', %s, %s)"
)


def test_p5_sql_insert_in_the_middle_is_refused_or_named():
    entries = _entries(5)
    forged = entries[1]
    values = [forged.seq, forged.at, forged.subject_id, forged.prev_hash, forged.entry_hash]
    # In its own chain, a second entry at the same place is refused by the database.
    with pytest.raises(IntegrityError), transaction.atomic():
        _tamper(INSERT_FORGED, [forged.chain, *values])
    # Slipped into another chain, the walk names it.
    other = (forged.chain + 1) % ACCESS_CHAINS
    _tamper(INSERT_FORGED, [other, *values])
    message = _verify_fails_at(2)
    assert f"chain {other}" in message and "removed or inserted" in message


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


def _accesses(count: int, *, like: AccessEntry) -> list[Access]:
    """Entries by the same staff member about the same customer as `like`."""
    return [
        Access(
            actor=like.actor,
            subject_id=like.subject_id,
            action=AccessAction.REVEAL,
            fields=["orders.Order.delivery_phone"],
            basis=AccessBasis.ORDER,
            reference=f"3VF-261127-{n:05d}",
        )
        for n in range(count)
    ]


def test_p5_a_batch_moves_the_head_once_onto_its_last_entry(django_assert_max_num_queries):
    first = _entries(1)[0]
    accesses = _accesses(50, like=first)
    # Savepoint, lock, the INSERT (SQLite splits it in two), the head, release.
    with django_assert_max_num_queries(6):
        batch = access_record_many(accesses)
    head = AccessChainHead.objects.get(chain=first.chain)
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
            cursor.execute(f"{sql} WHERE chain = %s", [*params, entries[0].chain])
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
            "UPDATE privacy_accesschainhead SET last_seq = 5, last_hash = %s WHERE chain = %s",
            [stray.entry_hash, stray.chain],
        )
    assert AccessChainHead.objects.get(chain=stray.chain).last_seq == 3


# --------------------------------------------------------------------------- chains


def _reveal(subject_id: int, *, actor=None) -> AccessEntry:  # type: ignore[no-untyped-def]
    return access_record(
        actor=actor,
        subject_id=subject_id,
        action=AccessAction.REVEAL,
        fields=["accounts.User.phone"],
        basis=AccessBasis.ORDER,
    )


def test_p5_each_customer_is_in_one_chain_and_every_chain_verifies():
    customers = [UserFactory() for _ in range(3)]
    entries = [_reveal(customer.pk) for customer in customers for _ in range(2)]
    for entry in entries:
        assert entry.chain == chain_of(entry.subject_id)
    by_customer = {c.pk: [e for e in entries if e.subject_id == c.pk] for c in customers}
    # A customer's entries follow each other in their chain.
    for own in by_customer.values():
        assert own[1].seq == own[0].seq + 1 and own[1].prev_hash == own[0].entry_hash
    report = audit_verify()
    assert report.intact and report.checked == 6 and report.chains == 3


def test_p5_a_batch_about_several_customers_appends_to_each_chain_in_order():
    customers = [UserFactory() for _ in range(4)]
    batch = access_record_many(
        Access(
            actor=None,
            subject_id=customers[n % 4].pk,
            action=AccessAction.JOB_READ,
            fields=["accounts.User.email"],
            basis=AccessBasis.BACKGROUND_JOB,
        )
        for n in range(12)
    )
    for customer in customers:
        own = [entry for entry in batch if entry.subject_id == customer.pk]
        assert [entry.seq for entry in own] == [1, 2, 3]
        head = AccessChainHead.objects.get(chain=chain_of(customer.pk))
        assert (head.last_seq, head.last_hash) == (3, own[-1].entry_hash)
    assert audit_verify().intact


def test_p14_an_entry_moved_to_another_chain_is_found():
    entries = [_reveal(UserFactory().pk) for _ in range(2)]
    moved = entries[1]
    _tamper(
        f"UPDATE {TABLE} SET chain = %s WHERE id = %s",  # noqa: S608
        [(moved.chain + 7) % ACCESS_CHAINS, moved.pk],
    )
    assert not audit_verify().intact


def test_p14_anchors_record_every_head_and_find_a_chain_cut_with_its_head():
    customer = UserFactory()
    entries = [_reveal(customer.pk) for _ in range(3)]
    anchor = access_anchor()
    assert anchor is not None
    assert f"{entries[0].chain}:3:{entries[-1].entry_hash}" in anchor.heads
    # Nothing moved since: no second anchor.
    assert access_anchor() is None
    assert audit_verify().anchors == 1
    # The last entry cut, and the head set back onto the entry before it, where the
    # database has no guard (SQLite) or by the tables' owner: the chain alone looks whole.
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[-1].pk])  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL fejzo.maintenance = 'on'")
        cursor.execute(
            "UPDATE privacy_accesschainhead SET last_seq = 2, last_hash = %s WHERE chain = %s",
            [entries[1].entry_hash, entries[0].chain],
        )
    report = audit_verify()
    assert not report.intact
    assert f"anchor {anchor.pk} records chain {entries[0].chain} at #3" in report.problem


def test_p14_a_changed_anchor_is_found():
    _reveal(UserFactory().pk)
    first = access_anchor()
    _reveal(UserFactory().pk)
    access_anchor()
    assert first is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_accessanchor DISABLE TRIGGER USER")
        cursor.execute("UPDATE privacy_accessanchor SET heads = '' WHERE id = %s", [first.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE privacy_accessanchor ENABLE TRIGGER USER")
    report = audit_verify()
    assert not report.intact and f"anchor {first.pk}" in report.problem


@pytest.mark.postgres
def test_p14_heads_and_anchors_are_guarded_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("database triggers are PostgreSQL's")
    _reveal(UserFactory().pk)
    access_anchor()
    for sql in (
        # A new head must start at its chain's start.
        "INSERT INTO privacy_accesschainhead (chain, last_seq, last_hash) VALUES (900, 4, 'x')",
        # A head never changes chain.
        "UPDATE privacy_accesschainhead SET chain = chain + 1000",
        "UPDATE privacy_accessanchor SET heads = ''",
        "DELETE FROM privacy_accessanchor",
        "TRUNCATE privacy_accessanchor",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only|only moves forward|chain's start"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL fejzo.maintenance = 'off'")
            cursor.execute(sql)
    # A head created at its chain's start is let in: the guard's genesis is Python's.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL fejzo.maintenance = 'off'")
        cursor.execute(
            "INSERT INTO privacy_accesschainhead (id, chain, last_seq, last_hash) "
            "VALUES (901, 900, 0, %s)",
            [chain_genesis(900)],
        )


@pytest.mark.postgres
def test_p14_only_the_tables_owner_may_use_the_maintenance_switch_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    entry = _reveal(UserFactory().pk)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS fejzo_test_site")
        cursor.execute("CREATE ROLE fejzo_test_site")
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON privacy_accessentry, "
            "privacy_accesschainhead, privacy_accessanchor TO fejzo_test_site"
        )
        cursor.execute("SET LOCAL ROLE fejzo_test_site")
        cursor.execute("SET LOCAL fejzo.maintenance = 'on'")
        for sql in (
            "UPDATE privacy_accesschainhead SET last_seq = 0 WHERE last_seq > 0",
            "DELETE FROM privacy_accesschainhead",
            f"TRUNCATE {TABLE}",
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(sql)
        cursor.execute("RESET ROLE")
        cursor.execute(
            "REVOKE ALL ON privacy_accessentry, privacy_accesschainhead, "
            "privacy_accessanchor FROM fejzo_test_site"
        )
        cursor.execute("DROP ROLE fejzo_test_site")
    assert AccessChainHead.objects.get(chain=entry.chain).last_seq == entry.seq


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_p5_appends_about_different_customers_do_not_wait_for_each_other_on_postgresql():
    """One transaction holds its customer's chain; another customer's append goes ahead."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    import threading

    from django.db import connections

    first, second = UserFactory(), UserFactory()
    while chain_of(second.pk) == chain_of(first.pk):
        second = UserFactory()
    holding, done = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def hold_first_chain() -> None:
        try:
            with transaction.atomic():
                _reveal(first.pk)
                holding.set()
                done.wait(10)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_first_chain)
    holder.start()
    try:
        assert holding.wait(10)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            outcome["entry"] = _reveal(second.pk)
    finally:
        done.set()
        holder.join()
    assert isinstance(outcome["entry"], AccessEntry)
    assert audit_verify().intact
