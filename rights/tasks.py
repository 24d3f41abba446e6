"""The rights app's daily work. Its tasks (here and in `rights.export.build`) name their
row by primary key, as text, as their first argument: erasing a person deletes the task
rows about their rows."""

from __future__ import annotations

import logging

from django_tasks import TaskContext, task

from core.daily import daily_ensure, daily_job
from rights.export import data_exports_requeue_stalled
from rights.holds.services import holds_release_ended
from rights.requests.services import erasure_reminders_send, erasure_requests_lapse
from rights.retention.services import retention_apply

logger = logging.getLogger(__name__)


@daily_job
@task(takes_context=True)
def privacy_daily(context: TaskContext) -> dict[str, int]:
    """Daily: release ended holds, close unconfirmed requests, remind the data-protection
    officer of due dates, give downloads whose build died a last try, and apply every
    retention schedule; queue tomorrow's run.

    Tomorrow's run is queued even when this one fails, so one bad day does not end the
    schedule.
    """
    done: dict[str, int] = {}
    failed: list[str] = []
    try:
        # Each step on its own: one that fails leaves the others to run.
        for name, step in (
            ("holds_released", holds_release_ended),
            ("requests_lapsed", erasure_requests_lapse),
            ("reminders", erasure_reminders_send),
            ("exports_requeued", data_exports_requeue_stalled),
        ):
            try:
                done[name] = step()
            except Exception:
                logger.exception("privacy daily step failed", extra={"step": name})
                failed.append(name)
        for outcome in retention_apply():
            done[f"retention_{outcome.schedule.value}"] = outcome.done
            if outcome.failed:
                failed.append(outcome.schedule.value)
        if failed:
            raise RuntimeError(f"privacy daily steps failed: {', '.join(failed)}")
        return done
    finally:
        daily_ensure(privacy_daily, current_run=context.task_result.id)
