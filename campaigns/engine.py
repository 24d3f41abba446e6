"""Send a campaign: every recipient at most once, any number of workers, crashes included.

The audience is copied into Delivery rows when sending starts. Tasks then take turns:
each claims up to CAMPAIGN_BATCH_SIZE queued rows for itself (`owner`, `lease_until`),
sends them over one reused connection, and hands over to a fresh task after
CAMPAIGN_TASK_SECONDS so that order mail never waits long behind a campaign.

Per message, one short transaction turns the row `claimed` → `sent`, and only if this
task still owns it, the subscriber still wants the topic and the address is not
suppressed; it commits just before the message's final byte (see transport.py). An
unsubscribe that commits first therefore stops the message; a worker that dies leaves
its rows `claimed`, and they are claimed again when the lease runs out.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryState
from campaigns.rendering import (
    MessageParts,
    campaign_language_for,
    campaign_message_id,
    message_bytes,
    message_parts,
    render_campaign,
)
from campaigns.transport import (
    Envelope,
    Outcome,
    RecipientRefused,
    RejectedAfterCommit,
    TemporaryFailure,
    Transport,
    open_transport,
)
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, ActorKind, Job
from privacy.registry import qualified
from subscriptions.models import Channel, Subscriber, Subscription, Suppression, SuppressionReason
from subscriptions.services import preferences_url, suppression_add, unsubscribe_url

logger = logging.getLogger(__name__)


@dataclass
class DrainResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    released: int = 0
    # Stopped with rows left: for time (hand over at once) or a failing server (wait).
    more: bool = False
    server_failing: bool = False


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def claim_batch(campaign_id: int, owner: str, size: int) -> list[int]:
    """Take up to `size` unsent rows for `owner`: queued ones, or claims whose lease ran out.

    On PostgreSQL, SKIP LOCKED lets workers on any number of machines claim side by side
    without waiting on each other; SQLite has one writer at a time and needs no lock hint.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.CAMPAIGN_LEASE_SECONDS)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    table = _table(Delivery)
    sql = (
        # Table names come from the models; every value is a parameter.
        f"UPDATE {table} SET state = %s, owner = %s, lease_until = %s, "  # noqa: S608
        "attempts = attempts + 1 "
        f"WHERE id IN (SELECT id FROM {table} WHERE campaign_id = %s AND "
        f"(state = %s OR (state = %s AND lease_until < %s)) ORDER BY id LIMIT %s{skip_locked}) "
        f"RETURNING id"
    )
    params: list[Any] = [
        DeliveryState.CLAIMED,
        owner,
        lease,
        campaign_id,
        DeliveryState.QUEUED,
        DeliveryState.CLAIMED,
        now,
        size,
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(row[0] for row in cursor.fetchall())


def _commit_sent_sql() -> str:
    delivery = _table(Delivery)
    subscription = _table(Subscription)
    subscriber = _table(Subscriber)
    suppression = _table(Suppression)
    campaign = _table(Campaign)
    return (
        # Table names come from the models; every value is a parameter.
        f"UPDATE {delivery} SET state = %s, sent_at = %s, lease_until = NULL "  # noqa: S608
        f"WHERE id = %s AND owner = %s AND state = %s "
        f"AND EXISTS (SELECT 1 FROM {subscription} s WHERE s.subscriber_id = "
        f"{delivery}.subscriber_id AND s.topic = %s AND s.active) "
        f"AND NOT EXISTS (SELECT 1 FROM {subscriber} r JOIN {suppression} x "
        f"ON x.address_index = r.email_index WHERE r.id = {delivery}.subscriber_id) "
        f"AND EXISTS (SELECT 1 FROM {campaign} c WHERE c.id = {delivery}.campaign_id "
        f"AND c.status = %s)"
    )


class _Sender:
    """One task's sending of claimed rows, sharing the rendered campaign and connection."""

    def __init__(self, campaign: Campaign, owner: str, transport: Transport) -> None:
        self.campaign = campaign
        self.owner = owner
        self.transport = transport
        self.parts: dict[str, MessageParts] = {}
        self.commit_sql = _commit_sent_sql()
        self.rate = settings.CAMPAIGN_RATE_PER_WORKER
        self.next_slot = time.monotonic()

    def _parts(self, language: str) -> MessageParts:
        language = campaign_language_for(self.campaign, language)
        if language not in self.parts:
            rendered = render_campaign(self.campaign, language)
            self.parts[language] = message_parts(rendered, self.campaign)
        return self.parts[language]

    def _commit(self, delivery_id: int) -> bool:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                self.commit_sql,
                [
                    DeliveryState.SENT,
                    timezone.now(),
                    delivery_id,
                    self.owner,
                    DeliveryState.CLAIMED,
                    self.campaign.topic,
                    CampaignStatus.SENDING,
                ],
            )
            if cursor.rowcount == 1:
                return True
            # Not ours any more (a longer-lived claim took it), or no longer wanted.
            Delivery.objects.filter(
                pk=delivery_id, owner=self.owner, state=DeliveryState.CLAIMED
            ).update(state=DeliveryState.SKIPPED, lease_until=None)
            return False

    def _pace(self) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        if self.next_slot > now:
            time.sleep(self.next_slot - now)
        self.next_slot = max(now, self.next_slot) + 1 / self.rate

    def send_batch(self, ids: list[int], result: DrainResult) -> None:
        rows = list(
            Delivery.objects.filter(pk__in=ids, owner=self.owner, state=DeliveryState.CLAIMED)
            .select_related("subscriber")
            .only("id", "subscriber__public_id", "subscriber__email", "subscriber__language")
            .order_by("id")
        )
        orphaned = [row.pk for row in rows if row.subscriber is None]
        if orphaned:
            # The subscriber was erased after the audience was taken.
            Delivery.objects.filter(pk__in=orphaned).update(
                state=DeliveryState.SKIPPED, lease_until=None
            )
            result.skipped += len(orphaned)
        access_record(
            actor=None,
            actor_kind=ActorKind.JOB,
            actor_label=Job.SEND_CAMPAIGN,
            subject_id=None,
            action=AccessAction.JOB_READ,
            fields=[qualified(Subscriber, "email")],
            basis=AccessBasis.BACKGROUND_JOB,
            reference=f"campaign {self.campaign.pk}: {len(rows)} recipients",
        )
        for position, row in enumerate(rows):
            subscriber = row.subscriber
            if subscriber is None:
                continue
            self._pace()
            try:
                outcome = self._send_one(row, subscriber)
            except TemporaryFailure as exc:
                # The server or connection is failing: give the rest back and stop here.
                remaining = [r.pk for r in rows[position:]]
                result.released += _release(remaining, self.owner, exc.summary)
                raise
            if outcome is Outcome.SENT:
                result.sent += 1
            elif outcome is Outcome.WITHDRAWN:
                result.skipped += 1
            else:
                result.failed += 1

    def _send_one(self, row: Delivery, subscriber: Subscriber) -> Outcome | None:
        parts = self._parts(subscriber.language)
        data = message_bytes(
            parts,
            to_address=subscriber.email,
            message_id=campaign_message_id(row.pk),
            unsubscribe_url=unsubscribe_url(
                subscriber.public_id,
                topic=self.campaign.topic,  # type: ignore[arg-type]
                campaign_id=self.campaign.pk,
                language=parts.language,
            ),
            preferences_url=preferences_url(subscriber),
        )
        envelope = Envelope(sender=parts.envelope_from, recipient=subscriber.email, data=data)
        try:
            return self.transport.send(envelope, lambda: self._commit(row.pk))
        except RecipientRefused as exc:
            _fail(row.pk, self.owner, f"RCPT {exc.code}", from_state=DeliveryState.CLAIMED)
            suppression_add(
                email=subscriber.email,
                reason=SuppressionReason.HARD_BOUNCE,
                channel=Channel.BOUNCE,
            )
            return None
        except RejectedAfterCommit as exc:
            if exc.permanent:
                _fail(row.pk, self.owner, f"DATA {exc.code}", from_state=DeliveryState.SENT)
                return None
            # A temporary refusal of the finished message: known undelivered, so it may
            # be offered again later.
            _release([row.pk], self.owner, f"DATA {exc.code}", from_state=DeliveryState.SENT)
            raise TemporaryFailure(f"DATA {exc.code}") from exc


def _fail(delivery_id: int, owner: str, error: str, *, from_state: DeliveryState) -> None:
    Delivery.objects.filter(pk=delivery_id, owner=owner, state=from_state).update(
        state=DeliveryState.FAILED, lease_until=None, sent_at=None, error=error[:40]
    )


def _release(
    ids: list[int], owner: str, error: str, *, from_state: DeliveryState = DeliveryState.CLAIMED
) -> int:
    """Give rows back to the queue (known undelivered), or fail those out of attempts."""
    Delivery.objects.filter(
        pk__in=ids,
        owner=owner,
        state=from_state,
        attempts__gte=settings.CAMPAIGN_MAX_ATTEMPTS,
    ).update(state=DeliveryState.FAILED, lease_until=None, sent_at=None, error=error[:40])
    return Delivery.objects.filter(pk__in=ids, owner=owner, state=from_state).update(
        state=DeliveryState.QUEUED, owner="", lease_until=None, sent_at=None, error=error[:40]
    )


def campaign_drain(campaign_id: int, *, seconds: float | None = None) -> DrainResult:
    """Send claimed batches of one campaign for up to `seconds`; report what happened.

    Safe to run any number of times, concurrently, on any number of machines.
    """
    result = DrainResult()
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return result
    budget = settings.CAMPAIGN_TASK_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + budget
    owner = uuid.uuid4().hex
    transport = open_transport()
    sender = _Sender(campaign, owner, transport)
    try:
        while True:
            if not Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).exists():
                return result
            ids = claim_batch(campaign_id, owner, settings.CAMPAIGN_BATCH_SIZE)
            if not ids:
                break
            try:
                sender.send_batch(ids, result)
            except TemporaryFailure as exc:
                logger.warning(
                    "campaign send paused", extra={"campaign": campaign_id, "error": exc.summary}
                )
                result.more = True
                result.server_failing = True
                return result
            if time.monotonic() >= deadline:
                result.more = True
                return result
    finally:
        transport.close()
    campaign_finish_if_done(campaign_id)
    return result


def next_recovery_at(campaign_id: int) -> datetime | None:
    """When the last live claim of another worker expires, if any rows are still claimed."""
    lease = (
        Delivery.objects.filter(campaign_id=campaign_id, state=DeliveryState.CLAIMED)
        .order_by("-lease_until")
        .values_list("lease_until", flat=True)
        .first()
    )
    return lease


def campaign_finish_if_done(campaign_id: int) -> bool:
    """Mark the campaign sent when no row is left to send; True if it is finished."""
    unsent = Delivery.objects.filter(
        campaign_id=campaign_id, state__in=[DeliveryState.QUEUED, DeliveryState.CLAIMED]
    ).exists()
    if unsent:
        return False
    Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).update(
        status=CampaignStatus.SENT, finished_at=timezone.now()
    )
    return True
