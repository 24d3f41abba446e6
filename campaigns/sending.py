"""Sending a started campaign: batch tasks that hand over to each other, a lease on the
rows each claims, and a watchdog that revives a campaign whose task died (ADR 0003)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskContext, task

from campaigns.engine import campaign_drain, campaign_finish_if_done, next_recovery_at
from campaigns.models import Campaign, CampaignStatus
from core.daily import periodic_ensure, periodic_job, stalled_work_requeuer


@task()
def campaign_send_batch(campaign_id: int) -> dict[str, int]:
    """Send part of a campaign, then hand over to a fresh task; never sends a message twice."""
    try:
        result = campaign_drain(campaign_id)
    except Exception:
        # Whatever broke this task, the campaign must not stall with it: the rows it held
        # are claimed again when their lease runs out.
        campaign_schedule_recovery(
            campaign_id,
            force=True,
            not_before=timezone.now() + timedelta(seconds=settings.MAIL_RETRY_BASE_SECONDS),
        )
        raise
    watchdog_ensure()
    if result.more:
        delay = settings.MAIL_RETRY_BASE_SECONDS if result.server_failing else 0
        campaign_send_batch.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            campaign_id
        )
    else:
        campaign_schedule_recovery(campaign_id)
    return {"sent": result.sent, "skipped": result.skipped, "failed": result.failed}


def campaign_schedule_recovery(
    campaign_id: int, *, force: bool = False, not_before: datetime | None = None
) -> bool:
    """If no row is claimable now but some will be (another task's claim expiring, a
    deferred retry), queue a pass for that moment; finish the campaign if nothing is left.

    Those tasks normally finish their rows themselves; if their worker died, the pass
    claims them anew. One pass is queued per moment unless the one queued is overdue
    (its task was lost) or `force`.
    """
    if campaign_finish_if_done(campaign_id):
        return False
    at = next_recovery_at(campaign_id)
    if at is None:
        at = timezone.now()
    at = at + timedelta(seconds=1)
    if not_before is not None:
        at = max(at, not_before)
    now = timezone.now()
    with transaction.atomic():
        due = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING)
        if not force:
            due = due.filter(
                Q(recovery_at__isnull=True) | Q(recovery_at__lt=now) | Q(recovery_at__gt=at)
            )
        moved = due.update(recovery_at=at)
        if moved:
            campaign_send_batch.using(run_after=at).enqueue(campaign_id)
    return bool(moved)


def _has_live_task(campaign_id: int) -> bool:
    """Whether a send task for the campaign is waiting, or running on a live worker."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    runs = DBTaskResult.objects.filter(
        task_path=campaign_send_batch.module_path,
        args_kwargs={"args": [campaign_id], "kwargs": {}},
    )
    # A task runs at most CAMPAIGN_TASK_SECONDS plus one batch; far older, its worker died.
    alive_since = timezone.now() - timedelta(
        seconds=settings.CAMPAIGN_TASK_SECONDS + settings.CAMPAIGN_LEASE_SECONDS
    )
    return (
        runs.filter(status=TaskResultStatus.READY).exists()
        or runs.filter(status=TaskResultStatus.RUNNING, started_at__gte=alive_since).exists()
    )


@stalled_work_requeuer("sending campaign(s) given a task.")
def campaigns_requeue_stalled() -> int:
    """Give each sending campaign without a live task one again; finish the ones done.

    Safe at any time: a surplus task finds nothing to claim and ends, and no message is
    sent twice. The watchdog task runs this every few minutes.
    """
    count = 0
    for campaign_id in Campaign.objects.filter(status=CampaignStatus.SENDING).values_list(
        "pk", flat=True
    ):
        if campaign_finish_if_done(campaign_id) or _has_live_task(campaign_id):
            continue
        campaign_schedule_recovery(campaign_id, force=True)
        count += 1
    return count


@periodic_job
@task(takes_context=True)
def campaigns_watchdog(context: TaskContext) -> int:
    """Every few minutes: revive campaigns whose tasks died with their worker."""
    try:
        return campaigns_requeue_stalled()
    finally:
        watchdog_ensure(current_run=context.task_result.id)


def watchdog_ensure(*, current_run: object = None) -> bool:
    """Keep the watchdog's next run queued; every send task calls this too, so a watchdog
    that died with its worker is back as soon as any campaign work happens."""
    interval = timedelta(seconds=settings.CAMPAIGN_WATCHDOG_SECONDS)
    return periodic_ensure(
        campaigns_watchdog,
        run_after=timezone.now() + interval,
        current_run=current_run,
        dead_after=2 * interval,
    )
