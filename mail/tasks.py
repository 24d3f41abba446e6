"""The delivery task: one per outbox message, queued again for each retry."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from core.daily import stalled_work_requeuer
from mail.delivery import outbox_deliver
from mail.models import OutboxMessage, OutboxStatus


@task()
def deliver_outbox_message(message_id: str) -> str:
    """Deliver one outbox message; running it again for the same message sends nothing twice."""
    outcome = outbox_deliver(
        message_id=uuid.UUID(message_id),
        retry_schedule=lambda pk, when: delivery_schedule(message_id=pk, run_after=when),
    )
    return outcome.value


def delivery_schedule(*, message_id: uuid.UUID | str, run_after: datetime) -> None:
    """Queue one message's delivery to run once it falls due, in the caller's transaction."""
    deliver_outbox_message.using(run_after=run_after).enqueue(str(message_id))


@stalled_work_requeuer("message(s) queued for delivery.")
def outbox_requeue_stalled() -> int:
    """Queue delivery again for messages whose task was lost or whose worker died.

    Safe to run at any time and as often as wanted (from cron, or when a worker
    starts): the claim in outbox_deliver keeps each message to one delivery.
    """
    now = timezone.now()
    stalled = OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, claimed_until__lt=now)
    )
    count = 0
    for message in stalled.only("id", "next_attempt_at").iterator():
        with transaction.atomic():
            delivery_schedule(message_id=message.id, run_after=message.next_attempt_at)
        count += 1
    return count
