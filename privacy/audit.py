"""The access record (P5, P14): append entries to the hash chain, and verify it."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from core.clauses import enforces
from core.http import client_ip_address
from privacy.models import (
    GENESIS_HASH,
    AccessAction,
    AccessBasis,
    AccessChainHead,
    AccessEntry,
    ActorKind,
    Job,
)
from privacy.registry import qualified, registry
from privacy.roles import roles_label, staff_roles

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# The columns that make up an entry's canonical content, in order.
CANONICAL_COLUMNS = (
    "seq",
    "at",
    "actor_id",
    "actor_kind",
    "actor_label",
    "subject_id",
    "action",
    "fields",
    "basis",
    "reference",
    "reason",
    "ip_address",
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return str((value - EPOCH) // MICROSECOND)
    return str(value)


def canonical_text(values: Iterable[object]) -> str:
    """Return an entry's canonical content: its CANONICAL_COLUMNS as text, in order."""
    return "\x1f".join(_text(value) for value in values)


def _digest(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256(f"{prev_hash}\x1e{canonical}".encode()).hexdigest()


def entry_hash(prev_hash: str, values: Iterable[object]) -> str:
    """Return SHA-256 over the previous hash and the entry's canonical content."""
    return _digest(prev_hash, canonical_text(values))


def client_address(request: HttpRequest | None) -> str | None:
    """Return the address the access record keeps: the one the sign-in lockout uses."""

    return client_ip_address(request) if request is not None else None


def _recordable_ip(ip_address: str | None) -> str | None:
    """Return the address spelt the way every database gives it back, so it hashes the same.

    Django spells IPv6 compactly; PostgreSQL writes a deprecated IPv4-compatible
    address (::a.b.c.d) with its IPv4 part dotted. Such an address means the IPv4 one.
    """
    prepared = AccessEntry._meta.get_field("ip_address").get_prep_value(ip_address)
    if not prepared or ":" not in prepared:
        return prepared  # type: ignore[no-any-return]
    packed = ipaddress.IPv6Address(prepared).packed
    if packed[:12] == bytes(12) and packed[12:14] != bytes(2):
        return str(ipaddress.IPv4Address(packed[12:]))
    return prepared  # type: ignore[no-any-return]


def _locked_head() -> AccessChainHead:
    # A migration creates the head; a database emptied by `flush` has none until the
    # next entry, so create it here rather than fail.
    heads = AccessChainHead.objects.select_for_update()
    head = heads.filter(pk=AccessChainHead.ROW).first()
    if head is None:
        AccessChainHead.objects.get_or_create(pk=AccessChainHead.ROW)
        head = heads.get(pk=AccessChainHead.ROW)
    return head


@dataclass(frozen=True)
class Access:
    """One entry to append; the fields and rules are those of `access_record`."""

    actor: Any | None
    subject_id: int | None
    action: AccessAction
    fields: Iterable[str]
    basis: AccessBasis
    reference: str = ""
    reason: str = ""
    actor_kind: ActorKind | None = None
    actor_label: str = ""
    ip_address: str | None = None


def _entry(access: Access, *, seq: int, prev_hash: str, at: datetime) -> AccessEntry:
    actor_kind = access.actor_kind
    is_staff = getattr(access.actor, "is_staff", False)
    if actor_kind is None:
        actor_kind = ActorKind.STAFF if is_staff else ActorKind.CUSTOMER
    # Staff are always named by their roles, whoever forgot to pass the label.
    label = access.actor_label or (actor_label(access.actor) if is_staff else "")
    entry = AccessEntry(
        seq=seq,
        at=at,
        actor=access.actor if getattr(access.actor, "pk", None) else None,
        actor_kind=actor_kind,
        actor_label=label[:80],
        subject_id=access.subject_id,
        action=access.action,
        fields=",".join(sorted(set(access.fields))),
        basis=access.basis,
        reference=access.reference[:64],
        reason=access.reason,
        ip_address=_recordable_ip(access.ip_address),
        prev_hash=prev_hash,
    )
    entry.entry_hash = entry_hash(
        prev_hash, (getattr(entry, column) for column in CANONICAL_COLUMNS)
    )
    return entry


def access_record_many(accesses: Iterable[Access]) -> list[AccessEntry]:
    """Append several entries at once, in the caller's transaction: one lock, one INSERT.

    For jobs that act on many people in one go (erasure, retention), where appending
    one at a time would serialise every row behind the chain head.
    """
    pending = list(accesses)
    if not pending:
        return []
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        entries = []
        for access in pending:
            entry = _entry(access, seq=head.last_seq + 1, prev_hash=head.last_hash, at=now)
            entries.append(entry)
            head.last_seq, head.last_hash = entry.seq, entry.entry_hash
        AccessEntry.objects.bulk_create(entries)
        # One move of the head past the whole batch: PostgreSQL's guard lets it land only
        # on the batch's last entry, with every entry before it in place.
        head.save(update_fields=["last_seq", "last_hash"])
    return entries


@enforces("P5", "every access to personal data is written to the hash-chained access record")
def access_record(
    *,
    actor: Any | None,
    subject_id: int | None,
    action: AccessAction,
    fields: Iterable[str],
    basis: AccessBasis,
    reference: str = "",
    reason: str = "",
    actor_kind: ActorKind | None = None,
    actor_label: str = "",
    ip_address: str | None = None,
) -> AccessEntry:
    """Append one entry to the access record, in the caller's transaction.

    Never pass personal values: `fields` are names (app.Model.field) and `reference`
    an order number, a case number or a job id.
    """
    access = Access(
        actor=actor,
        subject_id=subject_id,
        action=action,
        fields=fields,
        basis=basis,
        reference=reference,
        reason=reason,
        actor_kind=actor_kind,
        actor_label=actor_label,
        ip_address=ip_address,
    )
    [entry] = access_record_many([access])
    return entry


def job_record(
    *,
    job: Job,
    subject_id: int | None,
    fields: Iterable[str],
    reference: str,
    action: AccessAction = AccessAction.JOB_READ,
    basis: AccessBasis = AccessBasis.BACKGROUND_JOB,
    actor_kind: ActorKind = ActorKind.JOB,
) -> AccessEntry:
    """Record what a background job read (or exported) of personal data, under its name.

    `actor_kind` is SYSTEM for maintenance an operator starts (key rotation).
    """
    return access_record(
        actor=None,
        actor_kind=actor_kind,
        actor_label=job,
        subject_id=subject_id,
        action=action,
        fields=fields,
        basis=basis,
        reference=reference,
    )


def actor_label(actor: Any | None) -> str:
    """Return how a record names who acted: a role or job name, never a person's name.

    "system" when no one did (a job passes its own `Job` name), "customer" for a
    customer, and a staff member's roles ("customer_care,sales") for staff.
    """
    if actor is None:
        return ActorKind.SYSTEM.value
    if getattr(actor, "is_staff", False):
        return roles_label(staff_roles(actor))[:80]
    return ActorKind.CUSTOMER.value


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


# PostgreSQL builds each entry's canonical text itself: parsing a million timestamps
# into Python objects only to print them again was most of the cost of a walk.
_CANONICAL_SQL = """
SELECT id, seq, concat_ws(
    E'\\x1f', seq::text, ((extract(epoch FROM at) * 1000000)::bigint)::text,
    coalesce(actor_id::text, ''), actor_kind, actor_label, coalesce(subject_id::text, ''),
    action, fields, basis, reference, reason, coalesce(host(ip_address), '')
), prev_hash, entry_hash
FROM privacy_accessentry ORDER BY seq, id
"""


def _rows(chunk_size: int) -> Iterator[tuple[int, int, str, str, str]]:
    """Yield (id, seq, canonical text, prev_hash, entry_hash) in chain order."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(_CANONICAL_SQL)
            while rows := cursor.fetchmany(chunk_size):
                yield from rows
        return
    columns = ("id", *CANONICAL_COLUMNS, "prev_hash", "entry_hash")
    queryset = AccessEntry.objects.order_by("seq", "id").values_list(*columns)
    last: tuple[int, int] = (0, 0)
    while True:
        batch = list(
            queryset.filter(seq__gte=last[0]).exclude(seq=last[0], id__lte=last[1])[:chunk_size]
        )
        if not batch:
            return
        for row in batch:
            yield row[0], row[1], canonical_text(row[1:-2]), row[-2], row[-1]
        last = (batch[-1][1], batch[-1][0])


def _head() -> AccessChainHead:
    return AccessChainHead.objects.filter(pk=AccessChainHead.ROW).first() or AccessChainHead()


def audit_verify(*, chunk_size: int = 20_000) -> ChainReport:
    """Walk the chain from the first entry; report the first one that does not hold.

    Entries appended while the walk runs are fine: the chain must end where the head
    was before the walk, where it is after, or anywhere between.
    """
    before = _head()
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry_id, seq, canonical, stored_prev, stored_hash in _rows(chunk_size):
        problem = ""
        if seq != expected_seq:
            problem = (
                f"expected entry #{expected_seq} here, found #{seq}: "
                "entries were removed or inserted"
            )
        elif stored_prev != prev_hash:
            problem = (
                "its link to the previous entry is broken: an entry before it "
                "was removed, inserted or changed"
            )
        elif _digest(prev_hash, canonical) != stored_hash:
            problem = "its content does not match its hash: it was changed"
        if problem:
            return ChainReport(checked, first_bad_seq=seq, first_bad_id=entry_id, problem=problem)
        prev_hash = stored_hash
        expected_seq += 1
        checked += 1
    after = _head()
    ends_at_a_head = any(
        head.last_seq == checked and head.last_hash == prev_hash for head in (before, after)
    )
    if not ends_at_a_head and not before.last_seq < checked < after.last_seq:
        return ChainReport(
            checked,
            first_bad_seq=checked + 1 if after.last_seq > checked else after.last_seq,
            problem=(
                f"the chain ends at #{checked} but its head records #{after.last_seq}: "
                "entries at the end were removed or added, or the head was changed"
            ),
        )
    return ChainReport(checked)


def personal_change_record(
    *,
    actor: Any | None,
    subject_id: int,
    model: type[Model],
    names: Iterable[str],
    basis: AccessBasis = AccessBasis.SELF_SERVICE,
    reference: str = "",
) -> AccessEntry | None:
    """Record that these fields of a person's data were written (P5): names, not values."""

    declared = registry.fields_of(model)
    fields = [qualified(model, name) for name in names if name in declared]
    if not fields:
        return None
    return access_record(
        actor=actor,
        subject_id=subject_id,
        action=AccessAction.CHANGE,
        fields=fields,
        basis=basis,
        reference=reference,
    )
