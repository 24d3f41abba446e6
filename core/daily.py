"""Jobs the task worker runs once a day or every few minutes, kept scheduled without cron.

Each app marks its own tasks with `daily_job` or `periodic_job` in its `tasks.py`
(found at start-up, see CoreConfig). Each daily task ends by queueing its next run;
`jobs_ensure` (run by `make run` and after each deploy) queues any registered task that
has no run waiting, e.g. after its worker was killed mid-run. The worker itself has no
timetable of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

# A run still marked running after this long belonged to a worker that died.
RUN_IS_DEAD_AFTER = timedelta(hours=2)
DAILY_AT = time(3, 30)

T = TypeVar("T")
_daily: list[Any] = []
_periodic: list[Any] = []
_requeuers: dict[str, Callable[[], int]] = {}


def next_daily_run(now: datetime | None = None) -> datetime:
    """The next DAILY_AT in the site's time zone (Europe/Tirane), strictly after now."""
    local = timezone.localtime(now or timezone.now())
    candidate = local.replace(hour=DAILY_AT.hour, minute=DAILY_AT.minute, second=0, microsecond=0)
    if candidate <= local:
        candidate += timedelta(days=1)
    return candidate


def daily_ensure(task: Any, *, now: datetime | None = None, current_run: Any = None) -> bool:
    """Queue the task's next daily run unless one is already waiting; True if queued."""
    return periodic_ensure(task, run_after=next_daily_run(now), now=now, current_run=current_run)


def periodic_ensure(
    task: Any,
    *,
    run_after: datetime,
    now: datetime | None = None,
    current_run: Any = None,
    dead_after: timedelta = RUN_IS_DEAD_AFTER,
) -> bool:
    """Queue a run of the task at `run_after` unless one is already waiting; True if queued.

    A run marked running for longer than `dead_after` belonged to a worker that died
    (django-tasks-db never clears it). A task queueing its own next run passes
    `current_run` (its result id): only runs started after it count as carrying on, so
    of two runs overlapping, exactly the later one queues the next.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    with transaction.atomic():
        runs = DBTaskResult.objects.filter(task_path=task.module_path)
        live_since = now - dead_after
        if current_run is not None:
            started = runs.filter(pk=current_run).values_list("started_at", flat=True).first()
            runs = runs.exclude(pk=current_run)
            if started is not None:
                live_since = max(live_since, started)
        waiting = (
            runs.filter(status=TaskResultStatus.READY).exists()
            or runs.filter(status=TaskResultStatus.RUNNING, started_at__gt=live_since).exists()
        )
        if waiting:
            return False
        task.using(run_after=run_after).enqueue()
    return True


def daily_job(task: T) -> T:
    """Register a task to run once a day (it queues its own next run with daily_ensure)."""
    if task not in _daily:
        _daily.append(task)
    return task


def periodic_job(task: T) -> T:
    """Register a task that runs every few minutes; `jobs_ensure` queues its first run."""
    if task not in _periodic:
        _periodic.append(task)
    return task


def daily_tasks() -> list[Any]:
    """Return the tasks registered to run daily."""
    return list(_daily)


def periodic_tasks() -> list[Any]:
    """Return the tasks registered to run every few minutes."""
    return list(_periodic)


def stalled_work_requeuer(what: str) -> Callable[[Callable[[], int]], Callable[[], int]]:
    """Register a function that queues again work whose task was lost; `mail_requeue` runs it.

    `what` names what it counts, for the command's report ("message(s) queued for
    delivery."); the function returns how many it queued.
    """

    def register(requeue: Callable[[], int]) -> Callable[[], int]:
        _requeuers[what] = requeue
        return requeue

    return register


def stalled_work_requeue() -> list[tuple[str, int]]:
    """Run every registered requeuer; return what each counted and how many."""
    return [(what, requeue()) for what, requeue in _requeuers.items()]
