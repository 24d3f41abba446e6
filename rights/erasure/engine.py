"""The erasure engine (P12): erase people's data field by field, as the registry says.

Nothing here names a personal field. Every declaration whose rows are about a
customer is walked (`privacy.subjects`: by the registry's subject path, and by a
keyed hash of their address); each field is deleted, anonymised or kept for the law as
declared, unless a legal hold covers its row. Many people are erased in one pass with a
handful of queries per declaration (`rights.erasure.rows`), so retention can erase
thousands of accounts a minute.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.clauses import enforces
from privacy.audit import Access, access_record_many
from privacy.erasure_steps import ERASURE_STEPS, OPEN_WORK, People
from privacy.models import AccessAction, AccessBasis, ActorKind, Job
from privacy.registry import ModelDeclaration, registry
from privacy.subjects import address_owners, proven_addresses, rows_about
from rights.erasure.rows import (
    CHUNK,
    ERASED_MAIL_DOMAIN,
    Holds,
    Outcome,
    Tally,
    erasable_left,
    fields_erase,
    new_pseudonym,
    queued_work_forget,
    read_rows,
    rows_delete,
)
from rights.models import ErasedSubject, HoldKind, HoldScope, LegalHold
from rights.signals import erasure_completed

__all__ = [
    "ERASED_MAIL_DOMAIN",
    "OUTCOME_LABELS",
    "ErasureCause",
    "ErasureResult",
    "Outcome",
    "StaffAccountErasure",
    "active_holds",
    "automatic_holds_place",
    "erasable_left",
    "erase_people",
    "erase_rows_matching",
]

AUTOMATIC_HOLD_REVIEW = timedelta(days=30)

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


def _erasure_order() -> list[ModelDeclaration]:
    """Rows that hang off other rows first, so a parent's deletion never orphans them.

    Customers only: rows about a person's own staff work (the access record's actor)
    are never theirs to erase, and staff accounts are refused.
    """
    about = list(registry.about_customers())
    return sorted(about, key=lambda d: -len((d.subject_path or "").split("__")))


def automatic_holds_place(user_ids: Sequence[int]) -> list[LegalHold]:
    """Hold what may not go yet: the open work apps registered (orders in flight, open
    cases), unless a hold already covers it."""
    now = timezone.now()
    review_on = timezone.localdate() + AUTOMATIC_HOLD_REVIEW
    holding = LegalHold.objects.filter(subject_id__in=user_ids, lifted_at__isnull=True)
    holds = []
    for work in OPEN_WORK:
        held = holding.exclude(**{work.hold_field: None}).values(f"{work.hold_field}_id")
        rows = (
            work.model._default_manager.filter(
                work.open, **{f"{work.customer_field}__in": user_ids}
            )
            .exclude(pk__in=held)
            .values("pk", work.customer_field, *work.columns)
        )
        holds += [
            LegalHold(
                subject_id=row[work.customer_field],
                scope=HoldScope(work.hold_field),
                reference=work.reference(row),
                kind=HoldKind(work.hold_kind),
                review_on=review_on,
                automatic=True,
                placed_at=now,
                **{f"{work.hold_field}_id": row["pk"]},
            )
            for row in rows
        ]
    return LegalHold.objects.bulk_create(holds)


def active_holds(user_ids: Sequence[int]) -> Holds:
    holds = Holds()
    for hold in LegalHold.objects.filter(subject_id__in=user_ids, lifted_at__isnull=True):
        if hold.scope == HoldScope.PERSON:
            holds.whole[hold.subject_id] = hold
        elif hold.scope == HoldScope.ORDER and hold.order_id is not None:
            holds.orders[hold.order_id] = hold
        elif hold.scope == HoldScope.SUPPORT_CASE and hold.support_case_id is not None:
            holds.cases[hold.support_case_id] = hold
    return holds


def _pseudonyms(user_ids: Iterable[int], *, given: dict[int, str] | None = None) -> dict[int, str]:
    wanted = list(user_ids)
    known = dict(
        ErasedSubject.objects.filter(user_id__in=wanted).values_list("user_id", "pseudonym")
    )
    given = given or {}
    return {
        user_id: known.get(user_id) or given.get(user_id) or new_pseudonym() for user_id in wanted
    }


def _record(
    subject_ids: Iterable[int],
    *,
    tally: Tally,
    cause: ErasureCause,
    actor: Any | None,
    references: dict[int, str],
) -> None:
    """Append one access-record entry per person: the fields this pass erased."""
    access_record_many(
        Access(
            actor=actor,
            actor_kind=ActorKind.STAFF if actor is not None else ActorKind.JOB,
            actor_label=Job.ERASE if cause == ErasureCause.REQUEST else Job.RETENTION,
            subject_id=user_id,
            action=AccessAction.ERASE,
            fields=tally.changed_fields(user_id),
            basis=AccessBasis.DATA_REQUEST
            if cause == ErasureCause.REQUEST
            else AccessBasis.RETENTION,
            reference=references[user_id],
        )
        for user_id in subject_ids
    )


def erase_rows_matching(rows: models.QuerySet[Any]) -> int:
    """Erase these rows as the registry says (retention's end), except held ones.

    The people stay; only these rows' personal fields go, or the rows themselves, and
    each person concerned gets an entry in the access record. Return how many rows
    were erased.
    """
    declaration = registry.of(rows.model)
    if declaration is None or declaration.subject_path is None:
        raise ValueError(f"{rows.model._meta.label} is not declared about people.")
    erased = 0
    with transaction.atomic():
        found = read_rows(declaration, rows)
        for start in range(0, len(found), CHUNK):
            chunk = found[start : start + CHUNK]
            subjects = sorted({row[1] for row in chunk if row[1] is not None})
            holds = active_holds(subjects)
            tally = Tally()
            if declaration.erase_rows:
                deleted = rows_delete(declaration, chunk, holds=holds, tally=tally)
                queued_work_forget(declaration.model, deleted)
                erased += len(deleted)
            else:
                fields_erase(
                    declaration, chunk, holds=holds, pseudonyms=_pseudonyms(subjects), tally=tally
                )
                erased += sum(
                    1
                    for pk, subject, order_id, *_rest in chunk
                    if holds.covering(
                        declaration.model, subject_id=subject, pk=pk, order_id=order_id
                    )
                    is None
                )
            changed = [user_id for user_id in subjects if tally.changed_fields(user_id)]
            _record(
                changed,
                tally=tally,
                cause=ErasureCause.RETENTION,
                actor=None,
                references=dict.fromkeys(changed, declaration.label),
            )
    return erased


@dataclass(frozen=True)
class ErasureResult:
    reports: dict[int, list[dict[str, Any]]]
    pseudonyms: dict[int, str]

    def held(self, subject_id: int) -> bool:
        return any(row["outcome"] == Outcome.HELD for row in self.reports.get(subject_id, []))


@enforces("P12", "erasure deletes or anonymises each field, keeping only what the law needs")
def erase_people(
    user_ids: Iterable[int],
    *,
    cause: ErasureCause,
    actor: Any | None = None,
    reference: str = "",
    still_due: models.QuerySet[Any] | None = None,
    pseudonyms: dict[int, str] | None = None,
) -> ErasureResult:
    """Erase everything the registry declares about these people, except what is held.

    `still_due`, when given, is re-evaluated on the locked rows: a person it no longer
    selects (they signed in meanwhile) is left alone. Idempotent: erasing an erased
    person again erases what a lifted hold released and keeps their pseudonym. A person
    erased for the first time gets the pseudonym `pseudonyms` gives them, if any (a
    restore replaying an erasure the backup missed), else a new one. Raises
    StaffAccountErasure for a staff account. Once the pass commits, `erasure_completed`
    is sent.
    """
    ids = sorted(set(user_ids))
    with transaction.atomic():
        # Locked in one order (by key), so two runs over overlapping people never deadlock.
        locked = dict(
            User.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", "is_staff")
        )
        if still_due is not None:
            due = set(still_due.filter(pk__in=list(locked)).values_list("pk", flat=True))
            locked = {pk: is_staff for pk, is_staff in locked.items() if pk in due}
        if any(locked.values()):
            raise StaffAccountErasure("Staff accounts are not erased by the erasure engine.")
        ids = sorted(locked)
        if not ids:
            return ErasureResult(reports={}, pseudonyms={})
        # The addresses, read before they are anonymised: rows no account owns that keep
        # a keyed hash of them (a footer sign-up, a mail to the address) are the person's
        # too, but only once the account has proven the address its own.
        emails = proven_addresses(
            User.objects.filter(pk__in=ids).only("pk", "seal_id", "email", "email_verified_at")
        )
        # What the apps registered: the sign-in stopped, do-not-mail hashes kept, sign-in
        # records forgotten (privacy.erasure_steps).
        people = People(user_ids=ids, emails=emails, by_request=cause == ErasureCause.REQUEST)
        for step in ERASURE_STEPS:
            step.run(people)
        automatic_holds_place(ids)
        holds = active_holds(ids)
        pseudonyms = _pseudonyms(ids, given=pseudonyms)
        tally = Tally()
        for declaration in _erasure_order():
            if not declaration.fields and not declaration.erase_rows:
                continue
            owners = address_owners(declaration, emails)
            rows = read_rows(
                declaration,
                rows_about(declaration, user_ids=ids, emails=emails, owners=owners),
                user_ids=ids,
                owners=owners,
            )
            if not rows:
                continue
            if declaration.erase_rows:
                deleted = rows_delete(declaration, rows, holds=holds, tally=tally)
                queued_work_forget(declaration.model, deleted)
            else:
                fields_erase(declaration, rows, holds=holds, pseudonyms=pseudonyms, tally=tally)
        _erased_subjects_record(ids, pseudonyms=pseudonyms, cause=cause)
        _record(
            ids,
            tally=tally,
            cause=cause,
            actor=actor,
            references={user_id: reference or pseudonyms[user_id] for user_id in ids},
        )
        completed = {"subject_ids": ids, "pseudonyms": dict(pseudonyms), "cause": cause}
        # After the commit, so nothing outside the database records an erasure that was
        # rolled back; robust, so a receiver that fails cannot undo a committed erasure.
        transaction.on_commit(
            lambda: erasure_completed.send(
                sender=ErasedSubject,
                reference=reference,
                completed_at=timezone.now(),
                **completed,
            ),
            robust=True,
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
