"""Notices to the people a breach touched, through the outbox (P14): each person once.

The officer sends them from the breach's page (`breach_notices_request`); this task
writes them. Each person's notice is written to the outbox in the transaction that
marks them notified, a batch at a time, the rows locked as they are taken: a second
run, a run at the same time, or a run after a crash finds only the people still
waiting, and no one gets two.

A drill's notices go to the drill address (`FEJZO_BREACH_DRILL_EMAIL`), never to the
person, and say in their subject and first line that they are a drill: a practice
run on real data must not alarm a real customer, and a word in the text alone is
lost on whoever reads only the subject.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import Language, User
from breaches.models import AffectedPerson, Breach
from core.clauses import enforces
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.audit import Access, access_record_many
from privacy.models import AccessAction, AccessBasis, ActorKind, Job
from privacy.registry import Category, qualified

logger = logging.getLogger(__name__)

BATCH = 200


def notice_language(breach: Breach, person: User) -> str:
    """English for a person who reads English when the officer wrote an English text."""
    if person.language == Language.ENGLISH and breach.notice_text_en.strip():
        return str(Language.ENGLISH)
    return str(Language.ALBANIAN)


def _context(breach: Breach, person: User, language: str) -> dict[str, object]:
    text = breach.notice_text_en if language == Language.ENGLISH else breach.notice_text_sq
    return {
        "number": breach.pk,
        "drill": breach.drill,
        # A drill names the account so its report can tell the notices apart.
        "account": person.pk if breach.drill else None,
        "text": text,
        "categories": [Category(value).label for value in breach.categories],
        "discovered_at": timezone.localtime(breach.discovered_at),
    }


@enforces("P14", "each person a breach reached is told once, in their language")
def breach_notices_send(*, breach_id: int, now: datetime | None = None, batch: int = BATCH) -> int:
    """Write the notices of everyone waiting for one; return how many were written."""
    breach = Breach.objects.get(pk=breach_id)
    written = 0
    while True:
        done = _send_batch(breach, now=now or timezone.now(), batch=batch)
        written += done
        if done < batch:
            return written


def _send_batch(breach: Breach, *, now: datetime, batch: int) -> int:
    with transaction.atomic():
        waiting = list(
            AffectedPerson.objects.select_for_update(skip_locked=True)
            .filter(breach=breach, notice_requested_at__isnull=False, notified_at__isnull=True)
            .select_related("subject")
            .order_by("pk")[:batch]
        )
        if not waiting:
            return 0
        if not breach.drill:
            # Each person's address is read to write their notice: recorded per person.
            access_record_many(
                Access(
                    actor=None,
                    actor_kind=ActorKind.JOB,
                    actor_label=Job.BREACH_NOTICE,
                    subject_id=row.subject_id,
                    action=AccessAction.JOB_READ,
                    fields=[qualified(User, "email")],
                    basis=AccessBasis.BACKGROUND_JOB,
                    reference=f"breach {breach.pk}",
                )
                for row in waiting
            )
        for row in waiting:
            person = row.subject
            language = notice_language(breach, person)
            message = mail_enqueue(
                kind=MailKind.BREACH_NOTICE,
                to_address=settings.FEJZO_BREACH_DRILL_EMAIL if breach.drill else person.email,
                language=language,
                recipient=None if breach.drill else person,
                context=_context(breach, person, language),
            )
            row.notified_at = now
            row.outbox_id = message.pk if message is not None else None
        AffectedPerson.objects.bulk_update(waiting, ["notified_at", "outbox_id"])
    return len(waiting)


def breach_notices_schedule(*, breach_id: int) -> None:
    """Queue the notices' task in the caller's transaction: both commit, or neither."""
    breach_notices_task.enqueue(breach_id)


def breach_notices_pending() -> list[int]:
    """Return the breaches with notices the officer sent that are not written yet."""
    return list(
        AffectedPerson.objects.filter(notice_requested_at__isnull=False, notified_at__isnull=True)
        .values_list("breach_id", flat=True)
        .distinct()
        .order_by("breach_id")
    )


@task()
def breach_notices_task(breach_id: int) -> int:
    """Write the notices of a breach the officer sent; safe to run twice."""
    return breach_notices_send(breach_id=breach_id)
