"""The access record (P5, P14): append entries to the hash chain, and verify it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from privacy.models import (
    GENESIS_HASH,
    AccessAction,
    AccessBasis,
    AccessChainHead,
    AccessEntry,
    ActorKind,
)

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


def entry_hash(prev_hash: str, values: Iterable[object]) -> str:
    """Return SHA-256 over the previous hash and the entry's canonical content."""
    canonical = "\x1f".join(_text(value) for value in values)
    return hashlib.sha256(f"{prev_hash}\x1e{canonical}".encode()).hexdigest()


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _locked_head() -> AccessChainHead:
    # A migration creates the head; a database emptied by `flush` has none until the
    # next entry, so create it here rather than fail.
    heads = AccessChainHead.objects.select_for_update()
    head = heads.filter(pk=AccessChainHead.ROW).first()
    if head is None:
        AccessChainHead.objects.get_or_create(pk=AccessChainHead.ROW)
        head = heads.get(pk=AccessChainHead.ROW)
    return head


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
    if actor_kind is None:
        actor_kind = ActorKind.STAFF if getattr(actor, "is_staff", False) else ActorKind.CUSTOMER
    with transaction.atomic():
        head = _locked_head()
        entry = AccessEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_kind=actor_kind,
            actor_label=actor_label[:80],
            subject_id=subject_id,
            action=action,
            fields=",".join(sorted(set(fields))),
            basis=basis,
            reference=reference[:64],
            reason=reason,
            ip_address=ip_address,
            prev_hash=head.last_hash,
        )
        entry.entry_hash = entry_hash(
            head.last_hash, (getattr(entry, column) for column in CANONICAL_COLUMNS)
        )
        entry.save()
        head.last_seq = entry.seq
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return not self.problem


def _rows(chunk_size: int) -> Iterator[tuple[Any, ...]]:
    columns = ("id", *CANONICAL_COLUMNS, "prev_hash", "entry_hash")
    queryset = AccessEntry.objects.order_by("seq", "id").values_list(*columns)
    if connection.vendor == "postgresql":
        # A server-side cursor keeps memory flat over millions of entries.
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    last: tuple[int, int] = (0, 0)
    while True:
        batch = list(
            queryset.filter(seq__gte=last[0]).exclude(seq=last[0], id__lte=last[1])[:chunk_size]
        )
        if not batch:
            return
        yield from batch
        last = (batch[-1][1], batch[-1][0])


def audit_verify(*, chunk_size: int = 20_000) -> ChainReport:
    """Walk the chain from the first entry; report the first one that does not hold."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for row in _rows(chunk_size):
        entry_id, seq = row[0], row[1]
        canonical = row[1:-2]
        stored_prev, stored_hash = row[-2], row[-1]
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
        elif entry_hash(prev_hash, canonical) != stored_hash:
            problem = "its content does not match its hash: it was changed"
        if problem:
            return ChainReport(checked, first_bad_seq=seq, first_bad_id=entry_id, problem=problem)
        prev_hash = stored_hash
        expected_seq += 1
        checked += 1
    head = AccessChainHead.objects.filter(pk=AccessChainHead.ROW).first() or AccessChainHead()
    if head.last_seq != checked or head.last_hash != prev_hash:
        return ChainReport(
            checked,
            first_bad_seq=checked + 1 if head.last_seq > checked else head.last_seq,
            problem=(
                f"the chain ends at #{checked} but its head records #{head.last_seq}: "
                "entries at the end were removed or the head was changed"
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
    from privacy.registry import qualified, registry

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
