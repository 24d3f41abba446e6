"""Outbox reads."""

from __future__ import annotations

import uuid
from datetime import datetime

from mail.models import OutboxMessage


def outbox_next_attempt_at(*, message_id: uuid.UUID) -> datetime | None:
    """Return when the message is next due for delivery (None if it is gone)."""
    return (
        OutboxMessage.objects.filter(pk=message_id)
        .values_list("next_attempt_at", flat=True)
        .first()
    )
