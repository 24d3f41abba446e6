"""Staff safeguards the worker runs by itself."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from core.daily import daily_ensure
from staff.services import own_purposes_digest_send

logger = logging.getLogger(__name__)


@task(takes_context=True)
def own_purposes_digest(context: TaskContext) -> int:
    """Daily: mail the officers yesterday's self-made purposes (P5); queue tomorrow's run."""
    try:
        return own_purposes_digest_send(day=timezone.localdate() - timedelta(days=1))
    finally:
        daily_ensure(own_purposes_digest, current_run=context.task_result.id)
