"""Move every encrypted value to the newest key (P6), while the site keeps serving."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction

from privacy.audit import job_record
from privacy.crypto import keyring, sealing_key_id
from privacy.fields import EncryptedCharField, Sealed, associated_data
from privacy.models import AccessBasis, ActorKind, Job
from privacy.registry import qualified, registry


@dataclass
class TableRotation:
    label: str
    rows: int = 0
    values_rotated: int = 0
    # Rows changed by someone else between our read and our write: their new values
    # were sealed with the newest key already, so there is nothing left to do.
    rows_changed_meanwhile: int = 0


@dataclass
class RotationReport:
    newest_key: str
    tables: list[TableRotation] = field(default_factory=list)

    @property
    def values_rotated(self) -> int:
        return sum(table.values_rotated for table in self.tables)

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


def encrypted_columns() -> dict[type[models.Model], list[EncryptedCharField]]:
    columns: dict[type[models.Model], list[EncryptedCharField]] = {}
    for model, entry in registry.encrypted_fields():
        found = model._meta.get_field(entry.name)
        assert isinstance(found, EncryptedCharField)
        columns.setdefault(model, []).append(found)
    return columns


def _token(value: object) -> str | None:
    if isinstance(value, Sealed):
        return value.token
    return None


def _rotate_batch(
    model: type[models.Model],
    fields: list[EncryptedCharField],
    rows: list[tuple[object, ...]],
    table: TableRotation,
    *,
    dry_run: bool,
) -> None:
    ring = keyring()
    # Rows grouped by which columns need rotating: one statement shape per group,
    # sent with executemany (psycopg pipelines it), instead of one ORM update a row.
    groups: dict[tuple[str, ...], list[list[Any]]] = defaultdict(list)
    for pk, seal_id, *values in rows:
        columns: list[str] = []
        new: list[str] = []
        old: list[str] = []
        for encrypted, value in zip(fields, values, strict=True):
            token = _token(value)
            if token is None or sealing_key_id(token) == ring.newest_id:
                continue
            associated = associated_data(model, encrypted.column, seal_id)  # type: ignore[arg-type]
            columns.append(encrypted.column)
            new.append(ring.seal(ring.open(token, associated), associated))
            old.append(token)
        if columns:
            groups[tuple(columns)].append([*new, pk, *old])
    if dry_run:
        table.values_rotated += sum(len(key) * len(params) for key, params in groups.items())
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for shape, params in groups.items():
            assignments = ", ".join(f"{quote(column)} = %s" for column in shape)
            # Conditional on the values we read: a concurrent save is never overwritten.
            unchanged = " AND ".join(f"{quote(column)} = %s" for column in shape)
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
                f"WHERE {quote(model._meta.pk.column)} = %s AND {unchanged}",
                params,
            )
            updated = cursor.rowcount
            table.values_rotated += updated * len(shape)
            table.rows_changed_meanwhile += len(params) - updated


def keys_rotate(
    *,
    batch_size: int = 1000,
    dry_run: bool = False,
    progress: Callable[[str, int], Callable[[int], object]] | None = None,
) -> RotationReport:
    """Re-encrypt, batch by batch, every value not sealed with the newest key.

    Each batch commits on its own, so the command can be killed at any point and run
    again: values already on the newest key are skipped without being decrypted.
    `progress(label, total)` returns a callback told how many rows each batch covered.
    """
    report = RotationReport(newest_key=keyring().newest_id)
    for model, fields in encrypted_columns().items():
        table = TableRotation(model._meta.label)
        report.tables.append(table)
        manager = model._base_manager
        advance = progress(table.label, manager.count()) if progress else None
        columns = ["pk", "seal_id", *(f.attname for f in fields)]
        last_pk: object = None
        while True:
            batch = manager.order_by("pk")
            if last_pk is not None:
                batch = batch.filter(pk__gt=last_pk)
            rows = list(batch.values_list(*columns)[:batch_size])
            if not rows:
                break
            _rotate_batch(model, fields, rows, table, dry_run=dry_run)
            table.rows += len(rows)
            last_pk = rows[-1][0]
            if advance:
                advance(len(rows))
        if table.values_rotated and not dry_run:
            job_record(
                job=Job.ROTATE_KEYS,
                subject_id=None,
                fields=[qualified(model, f.name) for f in fields],
                reference=f"rotate_keys:{report.newest_key}",
                basis=AccessBasis.MAINTENANCE,
                actor_kind=ActorKind.SYSTEM,
            )
    return report
