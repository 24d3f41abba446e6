"""The erasure engine (P12): erase people's data field by field, as the registry says.

Nothing here names a personal field. Every declaration whose rows are about a person
is walked; each field is deleted, anonymised or kept for the law as declared, unless
a legal hold covers its row. Many people are erased in one pass with a handful of
queries per declaration, so retention can erase thousands of accounts a minute.
"""

from __future__ import annotations

import enum
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from orders.models import Order, OrderStatus
from privacy.audit import Access, access_record_many
from privacy.fields import BlindIndexField, EncryptedCharField
from privacy.models import (
    AccessAction,
    AccessBasis,
    ActorKind,
    ErasedSubject,
    HoldKind,
    Job,
    LegalHold,
)
from privacy.registry import Erasure, Mask, ModelDeclaration, PersonalField, qualified, registry
from support.models import CaseStatus, SupportCase

# An order not yet delivered or cancelled may still be paid, delivered or returned.
ORDERS_IN_FLIGHT = (OrderStatus.PLACED, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
AUTOMATIC_HOLD_REVIEW = timedelta(days=30)
PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ERASED_MAIL_DOMAIN = "erased.invalid"
CHUNK = 500
# Masks whose anonymised value is a stand-in, not an empty field.
ANONYMISED_NOT_EMPTY = (Mask.NAME, Mask.EMAIL, Mask.HIDDEN)


class Outcome(enum.StrEnum):
    ERASED = "erased"
    ANONYMISED = "anonymised"
    # Kept because the law requires it, for the period the registry names.
    KEPT = "kept"
    # Kept under a legal hold until it is lifted, then erased.
    HELD = "held"


OUTCOME_LABELS = {
    Outcome.ERASED: _("U fshi"),
    Outcome.ANONYMISED: _("U anonimizua"),
    Outcome.KEPT: _("U mbajt për afatin ligjor"),
    Outcome.HELD: _("U mbajt nën bllokim ligjor"),
}


class ErasureCause(enum.StrEnum):
    REQUEST = "request"
    RETENTION = "retention"


class StaffAccountErasure(ValueError):
    """Staff accounts are closed by an administrator, not by the erasure engine."""


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


def _lookup(declaration: ModelDeclaration) -> str:
    return declaration.subject_path or "pk"


def _has_order(model: type[models.Model]) -> bool:
    try:
        return model._meta.get_field("order").is_relation and model is not Order
    except Exception:  # noqa: BLE001 - FieldDoesNotExist and its kin
        return False


def _erasure_order() -> list[ModelDeclaration]:
    """Rows that hang off other rows first, so a parent's deletion never orphans them."""
    # Customers only: rows about a person's own staff work (the access record's actor)
    # are never theirs to erase, and staff accounts are refused above.
    about = list(registry.about_customers())
    return sorted(about, key=lambda d: -len((d.subject_path or "").split("__")))


def automatic_holds_place(user_ids: Sequence[int], *, actor: Any | None = None) -> list[LegalHold]:
    """Hold what may not go yet: orders in flight (unpaid or undelivered) and open cases."""
    today = timezone.localdate()
    now = timezone.now()
    review_on = today + AUTOMATIC_HOLD_REVIEW
    holding = LegalHold.objects.filter(subject_id__in=user_ids, lifted_at__isnull=True)
    in_flight = (
        Order.objects.filter(customer_id__in=user_ids, status__in=ORDERS_IN_FLIGHT)
        .exclude(pk__in=holding.exclude(order=None).values("order_id"))
        .values_list("pk", "customer_id")
    )
    open_cases = (
        SupportCase.objects.filter(customer_id__in=user_ids, status=CaseStatus.OPEN)
        .exclude(pk__in=holding.exclude(support_case=None).values("support_case_id"))
        .values_list("pk", "customer_id")
    )
    holds = [
        LegalHold(
            subject_id=customer_id,
            order_id=order_id,
            kind=HoldKind.UNPAID_ORDER,
            review_on=review_on,
            automatic=True,
            placed_at=now,
        )
        for order_id, customer_id in in_flight
    ] + [
        LegalHold(
            subject_id=customer_id,
            support_case_id=case_id,
            kind=HoldKind.DISPUTE,
            review_on=review_on,
            automatic=True,
            placed_at=now,
        )
        for case_id, customer_id in open_cases
    ]
    return LegalHold.objects.bulk_create(holds)


def active_holds(user_ids: Sequence[int]) -> Holds:
    holds = Holds()
    for hold in LegalHold.objects.filter(subject_id__in=user_ids, lifted_at__isnull=True):
        if hold.order_id is not None:
            holds.orders[hold.order_id] = hold
        elif hold.support_case_id is not None:
            holds.cases[hold.support_case_id] = hold
        else:
            holds.whole[hold.subject_id] = hold
    return holds


def _pseudonyms(user_ids: Sequence[int]) -> dict[int, str]:
    known = dict(
        ErasedSubject.objects.filter(user_id__in=user_ids).values_list("user_id", "pseudonym")
    )
    return {user_id: known.get(user_id) or new_pseudonym() for user_id in user_ids}


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


def _erase_rows(
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


def _erase_fields(
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
        plain = {
            name: _replacement(fields_by_name[name], entries[name], pseudonyms[subject_id])
            for name in sources
        }
        for name, value in plain.items():
            model_field = fields_by_name[name]
            if isinstance(model_field, EncryptedCharField) and value:
                value = model_field.seal(instance, value)
            setattr(instance, name, value)
        for name in indexes:
            index_field = model._meta.get_field(name)
            assert isinstance(index_field, BlindIndexField)
            setattr(instance, name, index_field.index_for(plain.get(index_field.source) or ""))
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


def _rows(declaration: ModelDeclaration, rows: models.QuerySet[Any]) -> list[tuple[Any, ...]]:
    """Return (pk, subject id, order id, [seal id]) for each row, the engine's view of it."""
    model = declaration.model
    with_order = _has_order(model)
    columns = ["pk", _lookup(declaration), "order_id" if with_order else "pk"]
    encrypted = any(entry.encrypted for entry in declaration.fields.values())
    if encrypted and not declaration.erase_rows:
        columns.append("seal_id")
    found = rows.values_list(*columns)
    if with_order:
        return list(found)
    # Only an Order row is its own order; any other row without an order has none.
    return [
        (pk, subject, pk if model is Order else None, *rest) for pk, subject, _pk, *rest in found
    ]


def _rows_about(declaration: ModelDeclaration, user_ids: Sequence[int]) -> list[tuple[Any, ...]]:
    manager = declaration.model._default_manager
    return _rows(declaration, manager.filter(**{f"{_lookup(declaration)}__in": user_ids}))


def erase_rows_matching(rows: models.QuerySet[Any]) -> int:
    """Erase these rows as the registry says (retention's end), except held ones.

    The people stay; only these rows' personal fields go, or the rows themselves.
    Return how many rows were erased.
    """
    declaration = registry.of(rows.model)
    if declaration is None or declaration.subject_path is None:
        raise ValueError(f"{rows.model._meta.label} is not declared about people.")
    erased = 0
    with transaction.atomic():
        found = _rows(declaration, rows)
        for start in range(0, len(found), CHUNK):
            chunk = found[start : start + CHUNK]
            subjects = sorted({row[1] for row in chunk if row[1] is not None})
            holds = active_holds(subjects)
            tally = Tally()
            if declaration.erase_rows:
                erased += len(_erase_rows(declaration, chunk, holds=holds, tally=tally))
                continue
            pseudonyms = {subject: new_pseudonym() for subject in subjects}
            pseudonyms.update(
                ErasedSubject.objects.filter(user_id__in=subjects).values_list(
                    "user_id", "pseudonym"
                )
            )
            _erase_fields(declaration, chunk, holds=holds, pseudonyms=pseudonyms, tally=tally)
            erased += sum(
                1
                for row in chunk
                if holds.covering(declaration.model, subject_id=row[1], pk=row[0], order_id=row[2])
                is None
            )
    return erased


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


def _sessions_end(user_ids: Sequence[int]) -> int:
    """Delete the live sessions signed in as these people: they are signed out at once."""
    wanted = {str(user_id) for user_id in user_ids}
    store = SessionStore()
    doomed = [
        key
        for key, data in Session.objects.filter(expire_date__gt=timezone.now()).values_list(
            "session_key", "session_data"
        )
        if str(store.decode(data).get("_auth_user_id", "")) in wanted
    ]
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


def login_disable(user_ids: Sequence[int]) -> None:
    """Stop these people signing in, and sign them out everywhere, now."""
    User.objects.filter(pk__in=user_ids).update(is_active=False, password=make_password(None))
    _sessions_end(user_ids)


def _queued_work_forget(model: type[models.Model], pks: Sequence[Any]) -> None:
    """Delete the task rows about deleted rows: their results and errors may name the person.

    An app's tasks name its rows by primary key, as text, as their first argument.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    wanted = [str(pk) for pk in pks]
    tasks = DBTaskResult.objects.filter(
        task_path__startswith=f"{model._meta.app_label}.tasks."
    ).exclude(status=TaskResultStatus.RUNNING)
    for start in range(0, len(wanted), CHUNK):
        tasks.filter(args_kwargs__args__0__in=wanted[start : start + CHUNK]).delete()


@dataclass(frozen=True)
class ErasureResult:
    reports: dict[int, list[dict[str, Any]]]
    pseudonyms: dict[int, str]

    def held(self, subject_id: int) -> bool:
        return any(row["outcome"] == Outcome.HELD for row in self.reports.get(subject_id, []))


def erase_people(
    user_ids: Iterable[int],
    *,
    cause: ErasureCause,
    actor: Any | None = None,
    reference: str = "",
) -> ErasureResult:
    """Erase everything the registry declares about these people, except what is held.

    Idempotent: erasing an erased person again erases what a lifted hold released and
    keeps their pseudonym. Raises StaffAccountErasure for a staff account.
    """
    ids = sorted(set(user_ids))
    with transaction.atomic():
        locked = dict(
            User.objects.select_for_update().filter(pk__in=ids).values_list("pk", "is_staff")
        )
        if any(locked.values()):
            raise StaffAccountErasure("Staff accounts are not erased by the erasure engine.")
        ids = sorted(locked)
        if not ids:
            return ErasureResult(reports={}, pseudonyms={})
        from subscriptions.services import suppression_keep_for_erasure

        login_disable(ids)
        automatic_holds_place(ids)
        holds = active_holds(ids)
        pseudonyms = _pseudonyms(ids)
        suppression_keep_for_erasure(user_ids=ids)
        tally = Tally()
        for declaration in _erasure_order():
            if not declaration.fields and not declaration.erase_rows:
                continue
            rows = _rows_about(declaration, ids)
            if not rows:
                continue
            if declaration.erase_rows:
                deleted = _erase_rows(declaration, rows, holds=holds, tally=tally)
                _queued_work_forget(declaration.model, deleted)
            else:
                _erase_fields(declaration, rows, holds=holds, pseudonyms=pseudonyms, tally=tally)
        _erased_subjects_record(ids, pseudonyms=pseudonyms, cause=cause)
        access_record_many(
            Access(
                actor=actor,
                actor_kind=ActorKind.STAFF if actor is not None else ActorKind.JOB,
                actor_label=Job.ERASE if cause == ErasureCause.REQUEST else Job.RETENTION,
                subject_id=user_id,
                action=AccessAction.ERASE,
                fields=tally.changed_fields(user_id),
                basis=(
                    AccessBasis.DATA_REQUEST
                    if cause == ErasureCause.REQUEST
                    else AccessBasis.RETENTION
                ),
                reference=reference or pseudonyms[user_id],
            )
            for user_id in ids
        )
    return ErasureResult(
        reports={user_id: tally.report(user_id) for user_id in ids}, pseudonyms=pseudonyms
    )


def _erased_subjects_record(
    user_ids: Sequence[int], *, pseudonyms: dict[int, str], cause: ErasureCause
) -> None:
    now = timezone.now()
    known = set(
        ErasedSubject.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True)
    )
    ErasedSubject.objects.bulk_create(
        [
            ErasedSubject(
                user_id=user_id, pseudonym=pseudonyms[user_id], erased_at=now, cause=cause
            )
            for user_id in user_ids
            if user_id not in known
        ]
    )
