"""How the erasure engine reads and writes rows: as tuples, in batches, never by plaintext.

Rows are read as (pk, person, order, seal id) without decrypting anything; what
replaces an erased value is sealed here and written with one statement per table and
batch. `rights.erasure.engine` decides whose rows and why; this module only does it.
"""

from __future__ import annotations

import enum
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router

from mail.services import ERASED_MAIL_DOMAIN
from orders.models import Order
from privacy.fields import BlindIndexField, EncryptedCharField
from privacy.registry import Erasure, Mask, ModelDeclaration, PersonalField, qualified
from privacy.subjects import owner_of, subject_lookup
from rights.models import LegalHold
from support.models import SupportCase

CHUNK = 500
# Masks whose anonymised value is a stand-in, not an empty field.
ANONYMISED_NOT_EMPTY = (Mask.NAME, Mask.EMAIL, Mask.HIDDEN)
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class Outcome(enum.StrEnum):
    ERASED = "erased"
    ANONYMISED = "anonymised"
    # Kept because the law requires it, for the period the registry names.
    KEPT = "kept"
    # Kept under a legal hold until it is lifted, then erased.
    HELD = "held"


@dataclass
class Holds:
    """The active holds over a set of people, by what they cover."""

    whole: dict[int, LegalHold] = field(default_factory=dict)
    orders: dict[int, LegalHold] = field(default_factory=dict)
    cases: dict[int, LegalHold] = field(default_factory=dict)

    def covering(
        self, model: type[models.Model], *, subject_id: int, pk: Any, order_id: int | None
    ) -> LegalHold | None:
        if subject_id in self.whole:
            return self.whole[subject_id]
        if model is Order and pk in self.orders:
            return self.orders[pk]
        if model is SupportCase and pk in self.cases:
            return self.cases[pk]
        if order_id is not None:
            return self.orders.get(order_id)
        return None


@dataclass
class Tally:
    """What happened to each person's fields: (field, outcome, hold id, retention) → rows."""

    counts: dict[int, Counter[tuple[str, Outcome, int | None, str]]] = field(default_factory=dict)

    def add(
        self,
        subject_id: int,
        name: str,
        outcome: Outcome,
        *,
        hold: LegalHold | None = None,
        retention: str = "",
    ) -> None:
        key = (name, outcome, hold.pk if hold else None, retention)
        self.counts.setdefault(subject_id, Counter())[key] += 1

    def report(self, subject_id: int) -> list[dict[str, Any]]:
        rows = [
            {"field": name, "outcome": str(outcome), "rows": count, "hold": hold, "retention": kept}
            for (name, outcome, hold, kept), count in self.counts.get(subject_id, Counter()).items()
        ]
        return sorted(rows, key=lambda row: (row["field"], row["outcome"], row["hold"] or 0))

    def changed_fields(self, subject_id: int) -> list[str]:
        return sorted(
            {
                name
                for (name, outcome, _hold, _kept) in self.counts.get(subject_id, Counter())
                if outcome in (Outcome.ERASED, Outcome.ANONYMISED)
            }
        )


def new_pseudonym() -> str:
    return "E-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(10))


def _has_order(model: type[models.Model]) -> bool:
    """Whether rows of this model belong to an order (and fall under that order's holds)."""
    try:
        return model._meta.get_field("order").is_relation and model is not Order
    except FieldDoesNotExist:
        return False


def _replacement(model_field: models.Field[Any, Any], entry: PersonalField, pseudonym: str) -> Any:
    """Return what an erased value becomes: nothing, or an irreversible stand-in."""
    if entry.erasure == Erasure.ANONYMISE:
        if entry.mask == Mask.NAME:
            return pseudonym
        if entry.mask == Mask.EMAIL:
            return f"{pseudonym.lower()}@{ERASED_MAIL_DOMAIN}"
        if entry.mask == Mask.HIDDEN and not model_field.blank:
            # An identifier that must stay unique and present: a new random one.
            return secrets.token_hex((model_field.max_length or 32) // 2)
    if model_field.null and not isinstance(model_field, EncryptedCharField):
        return None
    return ""


def rows_delete(
    declaration: ModelDeclaration,
    rows: list[tuple[Any, ...]],
    *,
    holds: Holds,
    tally: Tally,
) -> list[Any]:
    model = declaration.model
    names = [qualified(model, name) for name in declaration.fields] or [model._meta.label]
    doomed = []
    for pk, subject_id, order_id in rows:
        hold = holds.covering(model, subject_id=subject_id, pk=pk, order_id=order_id)
        for name in names:
            tally.add(subject_id, name, Outcome.HELD if hold else Outcome.ERASED, hold=hold)
        if hold is None:
            doomed.append(pk)
    for start in range(0, len(doomed), CHUNK):
        model._default_manager.filter(pk__in=doomed[start : start + CHUNK]).delete()
    return doomed


def fields_erase(
    declaration: ModelDeclaration,
    rows: list[tuple[Any, ...]],
    *,
    holds: Holds,
    pseudonyms: dict[int, str],
    tally: Tally,
) -> None:
    model = declaration.model
    entries = declaration.fields
    erased = [name for name, entry in entries.items() if entry.erasure != Erasure.KEEP_FOR_LAW]
    sources = [name for name in erased if not entries[name].index_of]
    indexes = [name for name in erased if entries[name].index_of]
    encrypted = any(entry.encrypted for entry in entries.values())
    fields_by_name: dict[str, models.Field[Any, Any]] = {
        name: model._meta.get_field(name)  # type: ignore[misc]
        for name in sources
    }
    index_fields: list[BlindIndexField] = []
    for name in indexes:
        index_field = model._meta.get_field(name)
        assert isinstance(index_field, BlindIndexField)
        index_fields.append(index_field)
    changed = []
    for row in rows:
        pk, subject_id, order_id = row[:3]
        hold = holds.covering(model, subject_id=subject_id, pk=pk, order_id=order_id)
        for name, entry in entries.items():
            if entry.erasure == Erasure.KEEP_FOR_LAW:
                tally.add(
                    subject_id, qualified(model, name), Outcome.KEPT, retention=entry.retention
                )
            elif hold is not None:
                tally.add(subject_id, qualified(model, name), Outcome.HELD, hold=hold)
            else:
                outcome = Outcome.ERASED if entry.erasure == Erasure.DELETE else Outcome.ANONYMISED
                tally.add(subject_id, qualified(model, name), outcome)
        if hold is not None or not erased:
            continue
        instance = model(pk=pk)
        if encrypted:
            instance.seal_id = row[3]  # type: ignore[attr-defined]
        # A row of nobody's (a mail to no account) gets a stand-in of its own.
        pseudonym = pseudonyms.get(subject_id) or new_pseudonym()
        plain = {
            name: _replacement(fields_by_name[name], entries[name], pseudonym) for name in sources
        }
        for name, value in plain.items():
            model_field = fields_by_name[name]
            if isinstance(model_field, EncryptedCharField) and value:
                value = model_field.seal(instance, value)
            setattr(instance, name, value)
        for index_field in index_fields:
            setattr(
                instance,
                index_field.name,
                index_field.index_for(plain.get(index_field.source) or ""),
            )
        changed.append(instance)
    if changed:
        _rows_update(model, changed, erased)


def _rows_update(model: type[models.Model], instances: list[Any], names: list[str]) -> None:
    """Write these fields of these rows, as bulk_update would, with one executemany.

    bulk_update builds a CASE WHEN per row and field and resolves each through the ORM:
    that was most of an erasure's time. The same values, prepared as a save prepares
    them, go out in one UPDATE shape that psycopg pipelines (as privacy.rotation does).
    """
    connection = connections[router.db_for_write(model)]
    fields: list[models.Field[Any, Any]] = []
    for name in names:
        found = model._meta.get_field(name)
        assert isinstance(found, models.Field)
        fields.append(found)
    pk_field = model._meta.pk
    assert pk_field is not None
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(pk_field.column)} = %s"
    )
    params = [
        [
            *(
                field.get_db_prep_save(getattr(instance, field.attname), connection)
                for field in fields
            ),
            pk_field.get_db_prep_value(instance.pk, connection),
        ]
        for instance in instances
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), CHUNK):
            cursor.executemany(sql, params[start : start + CHUNK])


def read_rows(
    declaration: ModelDeclaration,
    rows: models.QuerySet[Any],
    *,
    user_ids: Iterable[int] = (),
    owners: dict[str, dict[str, int]] | None = None,
) -> list[tuple[Any, ...]]:
    """Return (pk, person, order id, [seal id]) for each row: the engine's view of it.

    With `owners` (address-index column → index value → account), a row found by an
    address belongs to that address's owner.
    """
    model = declaration.model
    with_order = _has_order(model)
    index_columns = list(owners or {})
    columns = ["pk", subject_lookup(declaration), "order_id" if with_order else "pk"]
    columns += index_columns
    encrypted = any(entry.encrypted for entry in declaration.fields.values())
    if encrypted and not declaration.erase_rows:
        columns.append("seal_id")
    wanted = set(user_ids)
    found = []
    for pk, subject, order, *rest in rows.values_list(*columns):
        indexes, rest = rest[: len(index_columns)], rest[len(index_columns) :]
        if owners:
            subject = owner_of(subject, zip(index_columns, indexes, strict=True), owners, wanted)
        # Only an Order row is its own order; any other row without an order has none.
        order_id = order if with_order else (pk if model is Order else None)
        found.append((pk, subject, order_id, *rest))
    return found


def erasable_left(declaration: ModelDeclaration) -> models.Q:
    """Match rows that still hold a value erasure empties (so erased rows are not redone)."""
    condition = models.Q()
    for name, entry in declaration.fields.items():
        emptied = entry.erasure == Erasure.DELETE or (
            entry.erasure == Erasure.ANONYMISE and entry.mask not in ANONYMISED_NOT_EMPTY
        )
        if emptied and not entry.index_of:
            condition |= ~models.Q(**{name: ""})
    return condition


def queued_work_forget(model: type[models.Model], pks: Sequence[Any]) -> None:
    """Delete the task rows about deleted rows: their results and errors may name the person.

    An app's tasks (in any of its modules) name its rows by primary key, as text, as
    their first argument.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    wanted = [str(pk) for pk in pks]
    tasks = DBTaskResult.objects.filter(task_path__startswith=f"{model._meta.app_label}.").exclude(
        status=TaskResultStatus.RUNNING
    )
    for start in range(0, len(wanted), CHUNK):
        tasks.filter(args_kwargs__args__0__in=wanted[start : start + CHUNK]).delete()
