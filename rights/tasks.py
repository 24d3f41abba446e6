"""Background work of the privacy app. Each task names its row by primary key, as text,
as its first argument: erasing a person deletes the task rows about their rows."""

from __future__ import annotations

import logging

from django_tasks import TaskContext, task

from core.daily import daily_ensure
from rights.export import data_export_build, data_exports_requeue_stalled

logger = logging.getLogger(__name__)


@task()
def data_export_build_task(export_id: str, attempt: int = 1) -> str:
    """Try to build one customer's download and mail the link; a failed try queues the next.

    Running it again builds nothing twice and mails nothing twice.
    """
    export = data_export_build(export_id=int(export_id), attempt=attempt)
    return export.status if export is not None else "gone"


@task(takes_context=True)
def privacy_daily(context: TaskContext) -> dict[str, int]:
    """Daily: release ended holds, close unconfirmed requests, remind the data-protection
    officer of due dates, give downloads whose build died a last try, and apply every
    retention schedule; queue tomorrow's run.

    Tomorrow's run is queued even when this one fails, so one bad day does not end the
    schedule.
    """
    from rights.holds.services import holds_release_ended
    from rights.requests.services import erasure_reminders_send, erasure_requests_lapse
    from rights.retention.services import retention_apply

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
