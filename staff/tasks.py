"""Staff safeguards the worker runs by itself."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import TaskContext, task

from core.daily import daily_ensure, daily_job
from staff.services import own_purposes_digests_send

logger = logging.getLogger(__name__)


@daily_job
@task(takes_context=True)
def own_purposes_digest(context: TaskContext) -> int:
    """Daily: mail the officers each finished day's self-made purposes (P5); queue the next run."""
    try:
        return own_purposes_digests_send(today=timezone.localdate())
    finally:
        daily_ensure(own_purposes_digest, current_run=context.task_result.id)
