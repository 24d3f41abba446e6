from __future__ import annotations

from django_tasks import TaskContext, task

from core.daily import daily_ensure, daily_job
from subscriptions.services import unconfirmed_purge


@daily_job
@task(takes_context=True)
def purge_unconfirmed_subscribers(context: TaskContext) -> int:
    """Daily: delete visitor rows kept for no mail (see unconfirmed_purge); queue tomorrow's run.

    Tomorrow's run is queued even when this one fails, so one bad day does not end the
    schedule.
    """
    try:
        return unconfirmed_purge()
    finally:
        daily_ensure(purge_unconfirmed_subscribers, current_run=context.task_result.id)
