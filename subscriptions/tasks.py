from __future__ import annotations

from django_tasks import TaskContext, task

from core.daily import daily_ensure
from subscriptions.services import unconfirmed_purge


@task(takes_context=True)
def purge_unconfirmed_subscribers(context: TaskContext) -> int:
    """Daily: delete footer sign-ups never confirmed within a week; then queue tomorrow's run."""
    deleted = unconfirmed_purge()
    daily_ensure(purge_unconfirmed_subscribers, current_run=context.task_result.id)
    return deleted
