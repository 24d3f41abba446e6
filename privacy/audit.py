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
    AccessAction,
    AccessAnchor,
    AccessBasis,
    AccessChainHead,
    AccessEntry,
    ActorKind,
    Job,
    chain_genesis,
    chain_of,
)
from privacy.registry import qualified, registry
from privacy.roles import roles_label, staff_roles

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# The columns that make up an entry's canonical content, in order. The chain is not one
# of them: each chain starts from a genesis hash of its own (chain_genesis), which binds
# its entries to it, and the one chain of before issue 17 (chain 0) keeps its hashes.
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


def _locked_heads(chains: Iterable[int]) -> dict[int, AccessChainHead]:
    """Lock the heads of these chains, in chain order, so two batches never deadlock."""
    wanted = sorted(set(chains))
    heads = AccessChainHead.objects.select_for_update().order_by("chain")
    locked = {head.chain: head for head in heads.filter(chain__in=wanted)}
    missing = [chain for chain in wanted if chain not in locked]
    if missing:
        # A migration creates every head; a database emptied by `flush` has none until
        # the next entry, so create them here rather than fail.
        for chain in missing:
            AccessChainHead.objects.get_or_create(
                chain=chain, defaults={"id": chain + 1, "last_hash": chain_genesis(chain)}
            )
        locked = {head.chain: head for head in heads.filter(chain__in=wanted)}
    return locked


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


def _chain(access: Access) -> int:
    return chain_of(access.subject_id, getattr(access.actor, "pk", None))


def _entry(access: Access, *, chain: int, seq: int, prev_hash: str, at: datetime) -> AccessEntry:
    actor_kind = access.actor_kind
    is_staff = getattr(access.actor, "is_staff", False)
    if actor_kind is None:
        actor_kind = ActorKind.STAFF if is_staff else ActorKind.CUSTOMER
    # Staff are always named by their roles, whoever forgot to pass the label.
    label = access.actor_label or (actor_label(access.actor) if is_staff else "")
    entry = AccessEntry(
        chain=chain,
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
    """Append several entries at once, in the caller's transaction: one INSERT.

    Each entry goes to its subject's chain; only the heads of those chains are locked,
    so appends about other customers go ahead in parallel. For a page or a job about
    many people (erasure, retention, a contractor's list) one call locks each chain
    once instead of once per entry.
    """
    pending = list(accesses)
    if not pending:
        return []
    with transaction.atomic():
        chains = [_chain(access) for access in pending]
        heads = _locked_heads(chains)
        now = timezone.now()
        entries = []
        for access, chain in zip(pending, chains, strict=True):
            head = heads[chain]
            entry = _entry(
                access, chain=chain, seq=head.last_seq + 1, prev_hash=head.last_hash, at=now
            )
            entries.append(entry)
            head.last_seq, head.last_hash = entry.seq, entry.entry_hash
        AccessEntry.objects.bulk_create(entries)
        # One move of each head past the batch: PostgreSQL's guard lets it land only on
        # its chain's last entry of the batch, with every entry before it in place.
        for chain in sorted(heads):
            heads[chain].save(update_fields=["last_seq", "last_hash"])
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
    chain: int | None = None
    chains: int = 0
    anchors: int = 0

    @property
    def intact(self) -> bool:
        return not self.problem


# PostgreSQL builds each entry's canonical text itself: parsing a million timestamps
# into Python objects only to print them again was most of the cost of a walk.
_CANONICAL_SQL = """
SELECT id, chain, seq, concat_ws(
    E'\\x1f', seq::text, ((extract(epoch FROM at) * 1000000)::bigint)::text,
    coalesce(actor_id::text, ''), actor_kind, actor_label, coalesce(subject_id::text, ''),
    action, fields, basis, reference, reason, coalesce(host(ip_address), '')
), prev_hash, entry_hash
FROM privacy_accessentry ORDER BY chain, seq, id
"""

Row = tuple[int, int, int, str, str, str]


def _rows(chunk_size: int) -> Iterator[Row]:
    """Yield (id, chain, seq, canonical text, prev_hash, entry_hash) in chain order."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.execute(_CANONICAL_SQL)
            while rows := cursor.fetchmany(chunk_size):
                yield from rows
        return
    columns = ("id", "chain", *CANONICAL_COLUMNS, "prev_hash", "entry_hash")
    queryset = AccessEntry.objects.order_by("chain", "seq", "id").values_list(*columns)
    last: tuple[int, int, int] = (-1, 0, 0)
    while True:
        after = queryset.filter(chain__gte=last[0]).exclude(chain=last[0], seq__lt=last[1])
        after = after.exclude(chain=last[0], seq=last[1], id__lte=last[2])
        batch = list(after[:chunk_size])
        if not batch:
            return
        for row in batch:
            yield row[0], row[1], row[2], canonical_text(row[2:-2]), row[-2], row[-1]
        last = (batch[-1][1], batch[-1][2], batch[-1][0])


def _heads() -> dict[int, tuple[int, str]]:
    return {
        chain: (seq, last_hash)
        for chain, seq, last_hash in AccessChainHead.objects.values_list(
            "chain", "last_seq", "last_hash"
        )
    }


def _chain_end_problem(
    chain: int,
    *,
    checked: int,
    last_hash: str,
    before: dict[int, tuple[int, str]],
    after: dict[int, tuple[int, str]],
) -> str:
    """Say what is wrong when chain `chain` ends at entry `checked` but its head disagrees.

    Entries appended while the walk runs are fine: the chain must end where its head
    was before the walk, where it is after, or anywhere between.
    """
    was = before.get(chain, (0, chain_genesis(chain)))
    now = after.get(chain, was)
    if (checked, last_hash) in (was, now) or was[0] < checked < now[0]:
        return ""
    return (
        f"chain {chain} ends at #{checked} but its head records #{now[0]}: entries at "
        "the end were removed or added, or the head was changed"
    )


def _walk(chunk_size: int) -> ChainReport:
    """Walk every chain from its first entry, then check each chain ends at its head."""
    before = _heads()
    ends: dict[int, tuple[int, str]] = {}
    chain, expected_seq, prev_hash, checked = -1, 1, "", 0
    for entry_id, entry_chain, seq, canonical, stored_prev, stored_hash in _rows(chunk_size):
        if entry_chain != chain:
            chain, expected_seq, prev_hash = entry_chain, 1, chain_genesis(entry_chain)
        problem = ""
        if seq != expected_seq:
            problem = (
                f"expected entry #{expected_seq} of chain {chain} here, found #{seq}: "
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
            return ChainReport(
                checked, first_bad_seq=seq, first_bad_id=entry_id, problem=problem, chain=chain
            )
        prev_hash = stored_hash
        ends[chain] = (seq, stored_hash)
        expected_seq += 1
        checked += 1
    after = _heads()
    for each in sorted(set(before) | set(after) | set(ends)):
        last_seq, last_hash = ends.get(each, (0, chain_genesis(each)))
        problem = _chain_end_problem(
            each, checked=last_seq, last_hash=last_hash, before=before, after=after
        )
        if problem:
            now = after.get(each, (0, ""))[0]
            bad_seq = last_seq + 1 if now > last_seq else now
            return ChainReport(checked, first_bad_seq=bad_seq, problem=problem, chain=each)
    return ChainReport(checked, chains=len(ends))


def _anchor_text(heads: dict[int, tuple[int, str]]) -> str:
    return ";".join(
        f"{chain}:{seq}:{last_hash}" for chain, (seq, last_hash) in sorted(heads.items())
    )


def _anchor_hash(prev_hash: str, at: datetime, heads_text: str) -> str:
    return _digest(prev_hash, canonical_text((at, heads_text)))


@enforces("P14", "every chain's head is anchored together with the others, in a chain of its own")
def access_anchor() -> AccessAnchor | None:
    """Record every chain's head now, chained to the anchor before; None if nothing moved.

    A periodic job (privacy.tasks). Heads are read as committed, without a lock:
    an anchor never holds an append back.
    """
    with transaction.atomic():
        last = AccessAnchor.objects.select_for_update().order_by("-id").first()
        # Read after the lock: two runs at once never anchor older heads after newer ones.
        heads = {chain: head for chain, head in _heads().items() if head[0] > 0}
        heads_text = _anchor_text(heads)
        if last is not None and last.heads == heads_text:
            return None
        at = timezone.now()
        prev_hash = last.anchor_hash if last is not None else chain_genesis(0)
        return AccessAnchor.objects.create(
            at=at,
            heads=heads_text,
            prev_hash=prev_hash,
            anchor_hash=_anchor_hash(prev_hash, at, heads_text),
        )


def _anchors_problem() -> tuple[int, str]:
    """Check the anchors' own chain, and that every anchored head is an entry held now."""
    prev_hash = chain_genesis(0)
    count = 0
    anchors = AccessAnchor.objects.order_by("id").values_list(
        "id", "at", "heads", "prev_hash", "anchor_hash"
    )
    # The newest anchor of each chain is enough: the chain's links vouch for the rest.
    newest: dict[int, tuple[int, str, int]] = {}
    for anchor_id, at, heads_text, stored_prev, stored_hash in anchors.iterator(2000):
        if stored_prev != prev_hash or _anchor_hash(prev_hash, at, heads_text) != stored_hash:
            return count, f"anchor {anchor_id} was removed, inserted or changed"
        for part in filter(None, heads_text.split(";")):
            chain_text, seq_text, last_hash = part.split(":")
            newest[int(chain_text)] = (int(seq_text), last_hash, anchor_id)
        prev_hash = stored_hash
        count += 1
    for chain, (seq, last_hash, anchor_id) in sorted(newest.items()):
        held = AccessEntry.objects.filter(chain=chain, seq=seq).values_list("entry_hash", flat=True)
        if list(held) != [last_hash]:
            return count, (
                f"anchor {anchor_id} records chain {chain} at #{seq}, which the chain no "
                "longer holds as anchored: entries at its end were removed or replaced"
            )
    return count, ""


@enforces("P14", "audit_verify walks every chain and the anchors; it names the first bad entry")
def audit_verify(*, chunk_size: int = 20_000) -> ChainReport:
    """Walk every chain from its first entry; report the first entry that does not hold.

    Then check the anchors: their own chain, and that each chain still holds the entry
    its newest anchor recorded (a chain cut at its end together with its head shows).
    """
    report = _walk(chunk_size)
    if not report.intact:
        return report
    anchors, problem = _anchors_problem()
    return ChainReport(report.checked, problem=problem, chains=report.chains, anchors=anchors)


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
