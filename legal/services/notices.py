"""Tell each person their data was given to an authority: at once, or on the day the law or
a court order lets the shop (P11). Each person is told once, whatever runs twice."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from core.clauses import enforces
from legal.models import AuthorityKind, LegalRequest, LegalRequestPerson
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.registry import Category


def _notice_due(request: LegalRequest, *, now: datetime) -> bool:
    until = request.notice_withheld_until
    return until is None or until <= timezone.localdate(now)


@enforces("P11", "the person is told of a disclosure, at once or when the recorded gag ends")
def notices_send_for(request: LegalRequest, *, now: datetime | None = None) -> int:
    """Mail the people of a disclosed request who were not told yet, if they may be told now.

    Each person's row is locked and marked in the transaction that writes their mail to
    the outbox: a second run, or two at once, finds them told and sends nothing.
    """
    now = now or timezone.now()
    if not _notice_due(request, now=now):
        return 0
    sent = 0
    with transaction.atomic():
        waiting = (
            LegalRequestPerson.objects.select_for_update()
            .select_related("person")
            .filter(request=request, disclosed_at__isnull=False, notified_at__isnull=True)
            .order_by("pk")
        )
        for row in waiting:
            person = row.person
            with translation.override(person.language):
                authority = str(AuthorityKind(request.authority_kind).label)
                categories = ", ".join(
                    str(Category(value).label) for value in request.approved_categories
                )
            mail_enqueue(
                kind=MailKind.LEGAL_DISCLOSURE_NOTICE,
                to_address=person.email,
                language=person.language,
                recipient=person,
                context={
                    "first_name": person.first_name,
                    "disclosed_on": timezone.localdate(row.disclosed_at),
                    "authority_kind": authority,
                    "categories": categories,
                    "period_start": request.approved_start,
                    "period_end": request.approved_end,
                    "withheld": bool(request.notice_withheld),
                },
            )
            row.notified_at = now
            row.save(update_fields=["notified_at"])
            sent += 1
    return sent


def legal_notices_send(*, now: datetime | None = None) -> int:
    """Daily: tell the people whose notice was withheld until today or before; return how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = LegalRequest.objects.filter(
        Q(notice_withheld_until__isnull=True) | Q(notice_withheld_until__lte=today),
        people__disclosed_at__isnull=False,
        people__notified_at__isnull=True,
    ).distinct()
    return sum(notices_send_for(request, now=now) for request in due)
