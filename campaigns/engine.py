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

A service notice (a material change of the policy, P2) goes the same way to customers'
accounts instead of subscribers: marketing opt-outs do not stop it, a hard bounce does.
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

from accounts.models import User
from campaigns.links import PersonalLinkMisplaced, campaign_links_check, message_links_check
from campaigns.models import Campaign, CampaignKind, CampaignStatus, Delivery, DeliveryState
from campaigns.rendering import (
    MessageParts,
    ascii_address,
    campaign_language_for,
    campaign_message_id,
    message_bytes,
    message_parts,
    render_campaign,
)
from campaigns.transport import (
    Envelope,
    Outcome,
    RecipientDeferred,
    RecipientRefused,
    RejectedAfterCommit,
    TemporaryFailure,
    Transport,
    open_transport,
)
from mail.delivery import retry_delay
from mail.services import ERASED_MAIL_DOMAIN
from privacy.audit import job_record
from privacy.models import Job
from privacy.registry import qualified
from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    Suppression,
    SuppressionReason,
    Topic,
)
from subscriptions.services import (
    address_index,
    preferences_url,
    suppression_add,
    unsubscribe_url,
)

logger = logging.getLogger(__name__)

# Refusals of this many addresses in a row mean the server, not the addresses, is at fault.
REFUSALS_BEFORE_PAUSE = 5
# A claimed batch's lease is renewed after this many messages.
LEASE_RENEWAL_EVERY = 25
# What stops a service notice: an address proven not to exist. An unsubscribe or a
# marketing opt-out does not; the notice is about the service the person uses (P2).
SERVICE_NOTICE_SUPPRESSIONS = (SuppressionReason.HARD_BOUNCE,)


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
    """Take up to `size` unsent rows for `owner`: queued ones that are due, or claims whose
    lease ran out (their worker died).

    On PostgreSQL, SKIP LOCKED lets workers on any number of machines claim side by side
    without waiting on each other; SQLite has one writer at a time and needs no lock hint.
    """
    now = timezone.now()
    lease = now + timedelta(seconds=settings.CAMPAIGN_LEASE_SECONDS)
    skip_locked = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    table = _table(Delivery)
    sql = (
        # Table names come from the models; every value is a parameter.
        f"UPDATE {table} SET owner = %s, lease_until = %s, state = %s "  # noqa: S608
        f"WHERE id IN (SELECT id FROM {table} WHERE campaign_id = %s AND "
        "((state = %s AND (retry_at IS NULL OR retry_at <= %s)) "
        f"OR (state = %s AND lease_until < %s)) ORDER BY id LIMIT %s{skip_locked}) "
        "RETURNING id"
    )
    params: list[Any] = [
        owner,
        lease,
        DeliveryState.CLAIMED,
        campaign_id,
        DeliveryState.QUEUED,
        now,
        DeliveryState.CLAIMED,
        now,
        size,
    ]
    # A dead worker sends in id order, so of its claimed rows only the first was being
    # tried when it died: that one is charged a try, the rest were never touched.
    charge_dead_tries = (
        f"UPDATE {table} SET attempts = attempts + 1 WHERE id IN "  # noqa: S608
        f"(SELECT MIN(id) FROM {table} WHERE campaign_id = %s AND state = %s "
        "AND lease_until < %s GROUP BY owner)"
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(charge_dead_tries, [campaign_id, DeliveryState.CLAIMED, now])
        # A row whose workers keep dying on it is given up, not retried for ever.
        Delivery.objects.filter(
            campaign_id=campaign_id,
            state=DeliveryState.CLAIMED,
            lease_until__lt=now,
            attempts__gte=settings.CAMPAIGN_MAX_ATTEMPTS,
        ).update(state=DeliveryState.FAILED, lease_until=None, error="abandoned")
        with connection.cursor() as cursor:
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


def _commit_service_sql() -> str:
    """A service notice's row turns sent while the account is active, its address is not
    hard-bounced and the notice is still sending; the marketing choices are not asked."""
    delivery = _table(Delivery)
    user = _table(User)
    suppression = _table(Suppression)
    campaign = _table(Campaign)
    reasons = ", ".join(["%s"] * len(SERVICE_NOTICE_SUPPRESSIONS))
    return (
        # Table names come from the models; every value is a parameter.
        f"UPDATE {delivery} SET state = %s, sent_at = %s, lease_until = NULL "  # noqa: S608
        f"WHERE id = %s AND owner = %s AND state = %s "
        f"AND EXISTS (SELECT 1 FROM {user} u WHERE u.id = {delivery}.user_id AND u.is_active) "
        f"AND NOT EXISTS (SELECT 1 FROM {suppression} x WHERE x.address_index = %s "
        f"AND x.reason IN ({reasons})) "
        f"AND EXISTS (SELECT 1 FROM {campaign} c WHERE c.id = {delivery}.campaign_id "
        f"AND c.status = %s)"
    )


def _share_lock_sql() -> str:
    subscription = _table(Subscription)
    subscriber = _table(Subscriber)
    # An unsubscribe updates the subscription row and a suppression locks the subscriber
    # row first (subscriptions.services): holding both FOR SHARE until the commit means an
    # opt-out either committed before this message is decided, and is seen, or waits
    # until the message is recorded sent.
    return (
        f"SELECT 1 FROM {subscriber} r JOIN {subscription} s "  # noqa: S608
        "ON s.subscriber_id = r.id AND s.topic = %s WHERE r.id = %s FOR SHARE"
    )


class _Sender:
    """One task's sending of claimed rows, sharing the rendered campaign and connection."""

    def __init__(self, campaign: Campaign, owner: str, transport: Transport) -> None:
        self.campaign = campaign
        self.owner = owner
        self.transport = transport
        self.parts: dict[str, MessageParts] = {}
        self.service = campaign.kind == CampaignKind.SERVICE_NOTICE
        self.commit_sql = _commit_service_sql() if self.service else _commit_sent_sql()
        self.pipelined = connection.vendor == "postgresql"
        # A service notice reads no subscription, so there is none to hold still.
        self.lock_sql = _share_lock_sql() if self.pipelined and not self.service else ""
        self.rate = settings.CAMPAIGN_RATE_PER_WORKER
        self.next_slot = time.monotonic()
        self.refusals_in_a_row = 0
        self.pending_commit = False

    def _parts(self, language: str) -> MessageParts:
        language = campaign_language_for(self.campaign, language)
        if language not in self.parts:
            rendered = render_campaign(self.campaign, language)
            parts = message_parts(rendered, self.campaign)
            # Before any recipient's link is filled in, and before any message goes.
            message_links_check(html=parts.html, text=parts.text)
            self.parts[language] = parts
        return self.parts[language]

    def prepare(self) -> None:
        """Render every language the campaign is written in, once; raise
        PersonalLinkMisplaced if a recipient's own link stands anywhere but a whole link."""
        campaign_links_check(self.campaign)
        for code, _name in settings.LANGUAGES:
            self._parts(code)

    def _commit(self, row: Delivery) -> bool:
        if self.pipelined and not connection.in_atomic_block:
            return self._commit_pipelined(row)
        with transaction.atomic(), connection.cursor() as cursor:
            if self.lock_sql:
                cursor.execute(self.lock_sql, [self.campaign.topic, row.subscriber_id])
            cursor.execute(self.commit_sql, self._commit_params(row))
            if cursor.rowcount == 1:
                return True
            self._withdraw(row)
            return False

    def _commit_params(self, row: Delivery) -> list[Any]:
        if self.service:
            assert row.user is not None
            return [
                DeliveryState.SENT,
                timezone.now(),
                row.pk,
                self.owner,
                DeliveryState.CLAIMED,
                address_index(row.user.email),
                *SERVICE_NOTICE_SUPPRESSIONS,
                CampaignStatus.SENDING,
            ]
        return [
            DeliveryState.SENT,
            timezone.now(),
            row.pk,
            self.owner,
            DeliveryState.CLAIMED,
            self.campaign.topic,
            CampaignStatus.SENDING,
        ]

    def _withdraw(self, row: Delivery) -> None:
        # Not ours any more (a longer-lived claim took it), or no longer wanted.
        Delivery.objects.filter(pk=row.pk, owner=self.owner, state=DeliveryState.CLAIMED).update(
            state=DeliveryState.SKIPPED, lease_until=None
        )

    def _commit_pipelined(self, row: Delivery) -> bool:
        """PostgreSQL, in a worker: decide in a transaction, then send its COMMIT without
        waiting for the answer, so the final "." follows it at once (see `_settle`).

        A worker that dies waiting for a COMMIT's answer has still committed it; had it
        waited, the message would be recorded sent and never finished. Sent back to
        back, the COMMIT and the "." are two writes apart.
        """
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            try:
                if self.lock_sql:
                    cursor.execute(self.lock_sql, [self.campaign.topic, row.subscriber_id])
                cursor.execute(self.commit_sql, self._commit_params(row))
                decided = cursor.rowcount == 1
                if not decided:
                    self._withdraw(row)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            if not decided:
                cursor.execute("COMMIT")
                return False
        pgconn = connection.connection.pgconn  # type: ignore[union-attr]
        pgconn.send_query(b"COMMIT")
        while pgconn.flush():
            pass
        self.pending_commit = True
        return True

    def settle(self) -> None:
        """Read the answer to a COMMIT sent ahead of the final "."."""
        if not self.pending_commit:
            return
        self.pending_commit = False
        from psycopg import pq

        pgconn = connection.connection.pgconn  # type: ignore[union-attr]
        failed = None
        try:
            while (result := pgconn.get_result()) is not None:
                if result.status != pq.ExecStatus.COMMAND_OK:
                    failed = result.error_message.decode(errors="replace")
        except Exception as exc:  # the connection itself broke
            failed = type(exc).__name__
        if failed:
            # Delivered but not recorded: the row's lease will offer it again. Loud,
            # because that is the one way this engine could send a message twice.
            logger.error("campaign commit failed after the message was sent: %s", failed)

    def _pace(self) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        if self.next_slot > now:
            time.sleep(self.next_slot - now)
        self.next_slot = max(now, self.next_slot) + 1 / self.rate

    def _rows(self, ids: list[int]) -> list[Delivery]:
        claimed = Delivery.objects.filter(pk__in=ids, owner=self.owner, state=DeliveryState.CLAIMED)
        if self.service:
            claimed = claimed.select_related("user").only(
                "id", "attempts", "user__email", "user__seal_id", "user__language"
            )
        else:
            claimed = claimed.select_related("subscriber").only(
                "id",
                "attempts",
                "subscriber__public_id",
                "subscriber__email",
                # Opening the sealed address needs its row's seal id; without it each
                # message would cost one more query to load it.
                "subscriber__seal_id",
                "subscriber__language",
            )
        return list(claimed.order_by("id"))

    def send_batch(self, ids: list[int], result: DrainResult) -> None:
        rows = self._rows(ids)
        orphaned = [
            row.pk
            for row in rows
            if (row.user if self.service else row.subscriber) is None
            or (self.service and row.user.email.endswith(f"@{ERASED_MAIL_DOMAIN}"))  # type: ignore[union-attr]
        ]
        if orphaned:
            # The subscriber (or the account) was erased after the audience was taken.
            Delivery.objects.filter(pk__in=orphaned).update(
                state=DeliveryState.SKIPPED, lease_until=None
            )
            result.skipped += len(orphaned)
        job_record(
            job=Job.SEND_CAMPAIGN,
            subject_id=None,
            fields=[qualified(User if self.service else Subscriber, "email")],
            reference=f"campaign {self.campaign.pk}: {len(rows)} recipients",
        )
        for position, row in enumerate(rows):
            subscriber = row.user if self.service else row.subscriber
            if subscriber is None or row.pk in orphaned:
                continue
            self._pace()
            if position and position % LEASE_RENEWAL_EVERY == 0:
                _renew_lease([r.pk for r in rows[position:]], self.owner)
            try:
                outcome = self._send_one(row, subscriber)
            except TemporaryFailure as exc:
                # The server or connection is failing, or refusing address after address:
                # give back this row and the rest, none charged a try, and stop here.
                untried = [r.pk for r in rows[position:]]
                result.released += _retry_later(untried, self.owner, exc.summary, tried=False)
                raise
            if outcome is Outcome.SENT:
                result.sent += 1
            elif outcome is Outcome.WITHDRAWN:
                result.skipped += 1
            elif outcome is None:
                result.failed += 1
            else:
                result.released += 1

    def _envelope(self, row: Delivery, subscriber: Subscriber | User) -> Envelope:
        parts = self._parts(subscriber.language)
        if isinstance(subscriber, User):
            # A service notice: no list to leave, so no unsubscribe or preferences link.
            data = message_bytes(
                parts,
                to_address=subscriber.email,
                message_id=campaign_message_id(row.pk),
                unsubscribe_url=None,
                preferences_url="",
            )
            return Envelope(
                sender=parts.envelope_from, recipient=ascii_address(subscriber.email), data=data
            )
        data = message_bytes(
            parts,
            to_address=subscriber.email,
            message_id=campaign_message_id(row.pk),
            unsubscribe_url=unsubscribe_url(
                subscriber.public_id,
                topic=Topic(self.campaign.topic),
                campaign_id=self.campaign.pk,
                language=parts.language,
            ),
            preferences_url=preferences_url(subscriber),
        )
        return Envelope(
            sender=parts.envelope_from, recipient=ascii_address(subscriber.email), data=data
        )

    def _send_one(self, row: Delivery, subscriber: Subscriber | User) -> Outcome | str | None:
        """Send one message: an Outcome, None when it failed for good, "deferred" when the
        server asked to try this address later."""
        committed = False

        def commit() -> bool:
            nonlocal committed
            committed = self._commit(row)
            return committed

        try:
            outcome = self.transport.send(self._envelope(row, subscriber), commit, self.settle)
            self.refusals_in_a_row = 0
            return outcome
        except (RecipientRefused, RecipientDeferred) as exc:
            self.refusals_in_a_row += 1
            if self.refusals_in_a_row >= REFUSALS_BEFORE_PAUSE:
                # Address after address refused: the server (a quota, a block, a bad relay)
                # is the problem, not the people. Suppress nobody more; pause.
                raise TemporaryFailure(f"RCPT {exc.code} x{self.refusals_in_a_row}") from exc
            if isinstance(exc, RecipientRefused):
                _fail(row.pk, self.owner, f"RCPT {exc.code}", from_state=DeliveryState.CLAIMED)
                suppression_add(
                    email=subscriber.email,
                    reason=SuppressionReason.HARD_BOUNCE,
                    channel=Channel.BOUNCE,
                )
                return None
            _retry_later([row.pk], self.owner, f"RCPT {exc.code}", tried=True)
            return "deferred"
        except RejectedAfterCommit as exc:
            # The server refused the finished message. Known undelivered, but the row was
            # already recorded sent and the campaign may have been closed since: it is
            # failed rather than queued again.
            _fail(row.pk, self.owner, f"DATA {exc.code}", from_state=DeliveryState.SENT)
            return None
        except TemporaryFailure:
            raise
        except Exception as exc:
            # Anything else (an address the server cannot take, a provider's API error, a
            # database error): this row must not stop the campaign or loop for ever.
            logger.exception("campaign message failed", extra={"delivery": row.pk})
            self.settle()
            self.transport.reset()
            if committed:
                return None  # recorded sent: never repeated, whatever happened after
            _fail(row.pk, self.owner, type(exc).__name__, from_state=DeliveryState.CLAIMED)
            return None


def _renew_lease(ids: list[int], owner: str) -> None:
    """Keep a slow batch (a rate limit, a slow server) from being taken over mid-way."""
    lease = timezone.now() + timedelta(seconds=settings.CAMPAIGN_LEASE_SECONDS)
    Delivery.objects.filter(pk__in=ids, owner=owner, state=DeliveryState.CLAIMED).update(
        lease_until=lease
    )


def _fail(delivery_id: int, owner: str, error: str, *, from_state: DeliveryState) -> None:
    Delivery.objects.filter(pk=delivery_id, owner=owner, state=from_state).update(
        state=DeliveryState.FAILED, lease_until=None, sent_at=None, error=error[:40]
    )


def _retry_later(ids: list[int], owner: str, error: str, *, tried: bool) -> int:
    """Give rows back to the queue, known undelivered. A tried row waits with back-off and
    fails once out of attempts; an untried one is due again at once."""
    if not ids:
        return 0
    mine = Delivery.objects.filter(pk__in=ids, owner=owner, state=DeliveryState.CLAIMED)
    if not tried:
        return mine.update(state=DeliveryState.QUEUED, owner="", lease_until=None, retry_at=None)
    count = 0
    for row in mine.only("id", "attempts"):
        attempts = row.attempts + 1
        if attempts >= settings.CAMPAIGN_MAX_ATTEMPTS:
            changes: dict[str, Any] = {"state": DeliveryState.FAILED, "lease_until": None}
        else:
            changes = {
                "state": DeliveryState.QUEUED,
                "owner": "",
                "lease_until": None,
                "retry_at": timezone.now() + retry_delay(attempts),
            }
        count += Delivery.objects.filter(
            pk=row.pk, owner=owner, state=DeliveryState.CLAIMED
        ).update(attempts=attempts, error=error[:40], **changes)
    return count


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
    batch_size = settings.CAMPAIGN_BATCH_SIZE
    if settings.CAMPAIGN_RATE_PER_WORKER > 0:
        # A rate-limited batch must still end well inside its lease.
        fits = settings.CAMPAIGN_RATE_PER_WORKER * settings.CAMPAIGN_LEASE_SECONDS // 2
        batch_size = max(1, min(batch_size, fits))
    transport = open_transport()
    sender = _Sender(campaign, owner, transport)
    try:
        try:
            sender.prepare()
        except PersonalLinkMisplaced:
            # Saving and starting refuse this already; should one get this far, none goes.
            campaign_halt_misplaced_link(campaign_id)
            return result
        while True:
            if not Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).exists():
                return result
            ids = claim_batch(campaign_id, owner, batch_size)
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


def campaign_halt_misplaced_link(campaign_id: int) -> int:
    """Stop a campaign that would send each recipient's own link elsewhere; nothing unsent
    goes out. Return how many messages were withheld."""
    logger.error("campaign stopped: misplaced personal link", extra={"campaign": campaign_id})
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign_id, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.CANCELLED, finished_at=timezone.now()
        )
        return Delivery.objects.filter(
            campaign_id=campaign_id, state__in=[DeliveryState.QUEUED, DeliveryState.CLAIMED]
        ).update(state=DeliveryState.FAILED, lease_until=None, error="misplaced personal link")


def next_recovery_at(campaign_id: int) -> datetime | None:
    """When a row of this campaign next becomes claimable, if none is claimable now:
    the earliest expiry of another task's claim, or the earliest retry of a deferred row."""
    rows = Delivery.objects.filter(campaign_id=campaign_id)
    times = [
        rows.filter(state=DeliveryState.CLAIMED)
        .order_by("lease_until")
        .values_list("lease_until", flat=True)
        .first(),
        rows.filter(state=DeliveryState.QUEUED, retry_at__isnull=False)
        .order_by("retry_at")
        .values_list("retry_at", flat=True)
        .first(),
    ]
    known = [moment for moment in times if moment is not None]
    return min(known) if known else None


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
