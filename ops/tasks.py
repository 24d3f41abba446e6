"""The worker's heartbeat, every minute, and the daily walk of the access record's chain:
the markers /_health/ reads (ops.health)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from core.daily import daily_ensure, daily_job, periodic_ensure, periodic_job
from ops.services import chain_verify_record, task_results_prune, worker_heartbeat_stamp

HEARTBEAT_EVERY = timedelta(minutes=1)
# Finished heartbeats are kept this long, then deleted by a later heartbeat.
HEARTBEAT_RUNS_KEPT = timedelta(hours=1)


@periodic_job
@task(takes_context=True)
def worker_heartbeat(context: TaskContext) -> str:
    """Every minute: stamp the heartbeat, a run that waited behind the queue stamps late."""
    try:
        now = timezone.now()
        worker_heartbeat_stamp(now=now)
        task_results_prune(
            task_path=worker_heartbeat.module_path, older_than=HEARTBEAT_RUNS_KEPT, now=now
        )
        return now.isoformat()
    finally:
        periodic_ensure(
            worker_heartbeat,
            run_after=timezone.now() + HEARTBEAT_EVERY,
            current_run=context.task_result.id,
            dead_after=2 * HEARTBEAT_EVERY,
        )


@daily_job
@task(takes_context=True)
def chain_verify(context: TaskContext) -> dict[str, int | bool]:
    """Daily: walk the access record's chain and keep the outcome for /_health/."""
    try:
        marker = chain_verify_record()
        return {"intact": marker.ok, "checked": marker.checked}
    finally:
        daily_ensure(chain_verify, current_run=context.task_result.id)
