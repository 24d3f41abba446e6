"""Background work of the privacy app. Each task names its row by primary key, as text,
as its first argument: erasing a person deletes the task rows about their rows."""

from __future__ import annotations

from django_tasks import TaskContext, task

from core.daily import daily_ensure
from privacy.exports import data_export_build


@task()
def data_export_build_task(export_id: str) -> str:
    """Build one customer's download and mail the link; running it again builds nothing twice."""
    export = data_export_build(export_id=int(export_id))
    return export.status if export is not None else "gone"


@task(takes_context=True)
def privacy_daily(context: TaskContext) -> dict[str, int]:
    """Daily: release ended holds, close unconfirmed requests, remind the data-protection
    officer of due dates, and apply every retention schedule; queue tomorrow's run.

    Tomorrow's run is queued even when this one fails, so one bad day does not end the
    schedule.
    """
    from privacy.erasure_requests import erasure_reminders_send, erasure_requests_lapse
    from privacy.holds import holds_release_ended
    from privacy.retention import retention_apply

    try:
        done = {
            "holds_released": holds_release_ended(),
            "requests_lapsed": erasure_requests_lapse(),
            "reminders": erasure_reminders_send(),
        }
        for outcome in retention_apply():
            done[f"retention_{outcome.schedule.value}"] = outcome.done
        return done
    finally:
        daily_ensure(privacy_daily, current_run=context.task_result.id)
