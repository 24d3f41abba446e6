from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from campaigns.engine import campaign_drain, next_recovery_at
from campaigns.models import Campaign, CampaignStatus


@task()
def campaign_send_batch(campaign_id: int) -> dict[str, int]:
    """Send part of a campaign, then hand over to a fresh task; never sends a message twice."""
    result = campaign_drain(campaign_id)
    if result.more:
        delay = settings.MAIL_RETRY_BASE_SECONDS if result.server_failing else 0
        campaign_send_batch.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
            campaign_id
        )
    else:
        campaign_schedule_recovery(campaign_id)
    return {"sent": result.sent, "skipped": result.skipped, "failed": result.failed}


@task()
def campaign_start_when_due(campaign_id: int) -> bool:
    """Start a scheduled campaign; a no-op if it was cancelled, rescheduled or started."""
    from campaigns.services import campaign_start_scheduled

    return campaign_start_scheduled(campaign_id=campaign_id)


def campaign_schedule_recovery(campaign_id: int) -> bool:
    """If rows are still claimed by other tasks, look again when their claims run out.

    Those tasks normally finish the rows themselves; if their worker died, this pass
    claims them anew. Only one such pass is queued per expiry time.
    """
    lease_end = next_recovery_at(campaign_id)
    if lease_end is None:
        return False
    at = lease_end + timedelta(seconds=1)
    with transaction.atomic():
        moved = Campaign.objects.filter(
            Q(recovery_at__isnull=True) | Q(recovery_at__lt=at),
            pk=campaign_id,
            status=CampaignStatus.SENDING,
        ).update(recovery_at=at)
        if moved:
            campaign_send_batch.using(run_after=at).enqueue(campaign_id)
    return bool(moved)


def campaigns_requeue_stalled() -> int:
    """Give every sending campaign a task again: now if rows wait, else when claims expire.

    A surplus task finds nothing to claim and ends; no message is sent twice.
    """
    from campaigns.models import Delivery, DeliveryState

    count = 0
    for campaign_id in Campaign.objects.filter(status=CampaignStatus.SENDING).values_list(
        "pk", flat=True
    ):
        waiting = Delivery.objects.filter(
            campaign_id=campaign_id, state=DeliveryState.QUEUED
        ).exists()
        if waiting:
            campaign_send_batch.enqueue(campaign_id)
            count += 1
        elif campaign_schedule_recovery(campaign_id):
            count += 1
    return count
