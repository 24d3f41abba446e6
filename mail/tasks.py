from __future__ import annotations

import uuid

from django_tasks import task

from mail.services import outbox_deliver


@task()
def deliver_outbox_message(message_id: str) -> str:
    """Deliver one outbox message; running it again for the same message sends nothing twice."""
    return outbox_deliver(message_id=uuid.UUID(message_id)).value
