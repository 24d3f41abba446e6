"""A campaign scheduled for later, and the task that starts it when it falls due.

The task keeps its address (`campaigns.tasks.campaign_start_when_due`) for runs queued
days ahead; sending itself is `campaigns.sending`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from campaigns.links import PersonalLinkMisplaced
from campaigns.models import Campaign, CampaignStatus
from campaigns.services import (
    CampaignEmpty,
    CampaignNotEditable,
    campaign_lock_sendable,
    campaign_start,
)

logger = logging.getLogger(__name__)


def campaign_schedule(*, campaign: Campaign, when: datetime, actor: User) -> Campaign:
    """Start the campaign by itself at `when` (a later schedule replaces an earlier one)."""
    with transaction.atomic():
        locked = campaign_lock_sendable(campaign)
        locked.status = CampaignStatus.SCHEDULED
        locked.scheduled_for = when
        locked.save(update_fields=["status", "scheduled_for"])
        campaign_start_when_due.using(run_after=when).enqueue(locked.pk)
    return locked


def campaign_start_scheduled(*, campaign_id: int) -> bool:
    campaign = Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SCHEDULED).first()
    if campaign is None or campaign.scheduled_for is None:
        return False
    if campaign.scheduled_for > timezone.now():
        # Rescheduled to later: the task queued for the new time starts it.
        return False
    try:
        campaign_start(campaign=campaign, actor=None)
    except (CampaignEmpty, CampaignNotEditable):
        Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SCHEDULED).update(
            status=CampaignStatus.SENT, finished_at=timezone.now()
        )
        return False
    except PersonalLinkMisplaced:
        logger.error(
            "scheduled campaign not started: misplaced personal link",
            extra={"campaign": campaign_id},
        )
        Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SCHEDULED).update(
            status=CampaignStatus.CANCELLED, finished_at=timezone.now()
        )
        return False
    return True


@task()
def campaign_start_when_due(campaign_id: int) -> bool:
    """Start a scheduled campaign; a no-op if it was cancelled, rescheduled or started."""
    return campaign_start_scheduled(campaign_id=campaign_id)
