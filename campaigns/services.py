"""Campaign writes: test send, schedule, start, cancel. Views, admin and tasks call these."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from campaigns.engine import _table
from campaigns.links import campaign_links_check
from campaigns.models import Campaign, CampaignKind, CampaignStatus, Delivery, DeliveryState
from campaigns.rendering import (
    RenderedCampaign,
    fill_links,
    message_bytes,
    message_parts,
    new_test_message_id,
    preview_urls,
    render_campaign,
)
from campaigns.sending import campaign_send_batch, watchdog_ensure
from campaigns.transport import Envelope, open_transport
from subscriptions.models import (
    Subscriber,
    SubscriptionAction,
    SubscriptionEvent,
    Suppression,
    Topic,
)
from subscriptions.services import audience_filter

logger = logging.getLogger(__name__)


class CampaignNotEditable(Exception):
    """Only a draft or a scheduled campaign can be scheduled, started or changed."""


class CampaignEmpty(Exception):
    """No subscriber would receive the campaign."""


def audience(topic: Topic | str) -> Any:
    """Subscribers a campaign on this topic reaches now: subscribed, confirmed, not suppressed.

    One row per subscriber: a subscriber has at most one subscription per topic.
    """
    suppressed = Suppression.objects.values("address_index")
    return Subscriber.objects.filter(audience_filter(Topic(topic))).exclude(
        email_index__in=suppressed
    )


def service_notice_audience() -> Any:
    """Customers a service notice reaches: every active account whose address is proven.

    Marketing choices do not count; a hard-bounced address is left out when each message
    is decided (campaigns.engine), an erased one has no address left.
    """
    return User.objects.filter(is_active=True, is_staff=False, email_verified_at__isnull=False)


def campaign_audience_count(campaign: Campaign) -> int:
    if campaign.kind == CampaignKind.SERVICE_NOTICE:
        return int(service_notice_audience().count())
    return int(audience(campaign.topic).count())


def campaign_preview(campaign: Campaign, language: str) -> RenderedCampaign:
    """The message as a recipient sees it, with links that name nobody."""
    rendered = render_campaign(campaign, language)
    unsubscribe, preferences = preview_urls(rendered.language)
    return RenderedCampaign(
        language=rendered.language,
        subject=rendered.subject,
        text=fill_links(rendered.text, unsubscribe_url=unsubscribe, preferences_url=preferences),
        html=fill_links(rendered.html, unsubscribe_url=unsubscribe, preferences_url=preferences),
    )


def campaign_send_test(*, campaign: Campaign, actor: User, language: str = "sq") -> None:
    """Send the campaign to the staff member's own address, now, marked as a test.

    Raise PersonalLinkMisplaced if it puts a recipient's own link anywhere but a whole
    link target: what goes out as a test is what would go out to everyone.
    """
    campaign_links_check(campaign)
    rendered = campaign_preview(campaign, language)
    test = RenderedCampaign(
        language=rendered.language,
        subject=f"[TEST] {rendered.subject}",
        text=rendered.text,
        html=rendered.html,
    )
    parts = message_parts(test, campaign)
    unsubscribe, preferences = preview_urls(rendered.language)
    data = message_bytes(
        parts,
        to_address=actor.email,
        message_id=new_test_message_id(),
        unsubscribe_url=unsubscribe,
        preferences_url=preferences,
    )
    transport = open_transport()
    try:
        transport.send(
            Envelope(sender=parts.envelope_from, recipient=actor.email, data=data), lambda: True
        )
    finally:
        transport.close()


def _editable(campaign: Campaign) -> Campaign:
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED):
        raise CampaignNotEditable(locked.status)
    return locked


def campaign_lock_sendable(campaign: Campaign) -> Campaign:
    """Lock an editable campaign whose personal links stand where they may (campaigns.links).

    Checked again here, not only when saved: a campaign saved before the rule, or
    written by other means than the form, must not go out either.
    """
    locked = _editable(campaign)
    campaign_links_check(locked)
    return locked


def campaign_unschedule(*, campaign: Campaign, actor: User) -> Campaign:
    with transaction.atomic():
        locked = _editable(campaign)
        locked.status = CampaignStatus.DRAFT
        locked.scheduled_for = None
        locked.save(update_fields=["status", "scheduled_for"])
    return locked


def campaign_start(*, campaign: Campaign, actor: User | None) -> int:
    """Take the audience now and queue the sending tasks; return the number of recipients.

    The audience is copied with one INSERT … SELECT, so a campaign of any size starts in
    one statement, and opt-outs from here on are checked again for every message.
    """
    with transaction.atomic():
        locked = campaign_lock_sendable(campaign)
        if locked.kind == CampaignKind.SERVICE_NOTICE:
            recipients_query, column = service_notice_audience(), "user_id"
        else:
            recipients_query, column = audience(locked.topic), "subscriber_id"
        query, params = recipients_query.values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table(Delivery)} "  # noqa: S608 - the audience query is Django's
                f"(campaign_id, {column}, state, owner, attempts, error) "
                f"SELECT %s, audience.pk, %s, '', 0, '' FROM ({query}) audience",
                [locked.pk, DeliveryState.QUEUED, *params],
            )
            recipients = cursor.rowcount
        if recipients <= 0:
            raise CampaignEmpty
        locked.status = CampaignStatus.SENDING
        locked.started_at = timezone.now()
        locked.save(update_fields=["status", "started_at"])
        batches = -(-recipients // settings.CAMPAIGN_BATCH_SIZE)
        for _ in range(min(settings.CAMPAIGN_PARALLEL_TASKS, batches)):
            campaign_send_batch.enqueue(locked.pk)
        watchdog_ensure()
    return recipients


def campaign_cancel(*, campaign: Campaign, actor: User) -> int:
    """Stop a campaign: nothing not yet sent goes out. Return how many were withdrawn."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status in (CampaignStatus.SENT, CampaignStatus.CANCELLED):
            return 0
        locked.status = CampaignStatus.CANCELLED
        locked.finished_at = timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        # A claimed row not yet committed as sent is withdrawn too: its sender's commit
        # requires a campaign that is still sending, so it drops the half-sent message.
        return Delivery.objects.filter(
            campaign=locked, state__in=[DeliveryState.QUEUED, DeliveryState.CLAIMED]
        ).update(state=DeliveryState.SKIPPED, lease_until=None)


@dataclass(frozen=True)
class Progress:
    """Counts only: how a campaign is going, never who received it."""

    queued: int
    sending: int
    sent: int
    failed: int
    skipped: int
    unsubscribed_since: int

    @property
    def total(self) -> int:
        return self.queued + self.sending + self.sent + self.failed + self.skipped


def campaign_progress(campaign: Campaign) -> Progress:
    counts = dict(
        Delivery.objects.filter(campaign=campaign)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    unsubscribed = (
        SubscriptionEvent.objects.filter(
            action=SubscriptionAction.UNSUBSCRIBED, campaign_id=campaign.pk
        )
        .values("subscriber_id")
        .distinct()
        .count()
    )
    return Progress(
        queued=counts.get(DeliveryState.QUEUED, 0),
        sending=counts.get(DeliveryState.CLAIMED, 0),
        sent=counts.get(DeliveryState.SENT, 0),
        failed=counts.get(DeliveryState.FAILED, 0),
        skipped=counts.get(DeliveryState.SKIPPED, 0),
        unsubscribed_since=unsubscribed,
    )
