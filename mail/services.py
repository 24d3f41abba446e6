"""Write mail to the durable outbox and deliver it, at most once per message."""

from __future__ import annotations

import enum
import logging
import re
import smtplib
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User
from mail.models import MailKind, OutboxMessage, OutboxStatus
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, ActorKind, Job
from privacy.registry import qualified, registry

logger = logging.getLogger(__name__)

# Where erasure points an anonymised account's address (rights.erasure.rows): a
# reserved top-level domain (RFC 2606) that no mail can reach.
ERASED_MAIL_DOMAIN = "erased.invalid"
# The template engine without autoescaping (TEMPLATES in config/settings/base.py).
TEXT_TEMPLATE_ENGINE = "text"


class DeliveryOutcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not_claimed"


def _render(kind: MailKind, context: dict[str, Any], language: str) -> tuple[str, str, str]:
    """Return the subject, text part and HTML part of a mail (P8).

    The subject and the text part are plain text, rendered by the "text" template
    engine, which does not HTML-escape: O'Brien & "Co" reads as typed, not as
    O&#x27;Brien &amp; &quot;Co&quot;. The HTML part is rendered by the default engine,
    which escapes every value, so a name can never become markup.
    """
    full_context = {
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "SITE_URL": settings.SITE_URL,
        "language": language,
        **context,
    }
    with translation.override(language):
        subject = " ".join(
            render_to_string(
                f"mail/{kind.value}/subject.txt", full_context, using=TEXT_TEMPLATE_ENGINE
            ).split()
        )
        text = render_to_string(
            f"mail/{kind.value}/body.txt", full_context, using=TEXT_TEMPLATE_ENGINE
        )
        html = render_to_string(f"mail/{kind.value}/body.html", full_context)
    return subject, text, html


def mail_enqueue(
    *,
    kind: MailKind,
    to_address: str,
    language: str,
    context: dict[str, Any],
    recipient: User | None = None,
    forget_when_done: bool = False,
) -> OutboxMessage | None:
    """Write a message to the outbox and queue its delivery in the caller's transaction.

    If the caller's transaction rolls back, neither the message nor its task exist;
    if it commits, both do. Nothing is sent from here. With `forget_when_done` the
    row is deleted once delivered or given up (mail to a person being erased).

    An erased person's stand-in address (`…@erased.invalid`) gets nothing: a status
    mail about an order kept under a legal hold has nobody to reach. Returns None then.
    """
    if to_address.endswith(f"@{ERASED_MAIL_DOMAIN}"):
        logger.info("mail to an erased person not written", extra={"kind": kind.value})
        return None
    subject, text, html = _render(kind, context, language)
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.create(
            kind=kind,
            recipient=recipient,
            to_address=to_address,
            subject=subject,
            body_text=text,
            body_html=html,
            language=language,
            next_attempt_at=now,
            created_at=now,
            forget_when_done=forget_when_done,
        )
        _schedule_delivery(message)
    return message


def _schedule_delivery(message: OutboxMessage) -> None:
    from mail.tasks import deliver_outbox_message

    deliver_outbox_message.using(run_after=message.next_attempt_at).enqueue(str(message.id))


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: base, 2×base, 4×base … capped."""
    seconds = settings.MAIL_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.MAIL_RETRY_MAX_SECONDS))


def _claim(message_id: uuid.UUID) -> OutboxMessage | None:
    """Take the message for this worker, or return None if it is not ours to send.

    The conditional UPDATE is the lock: of any number of workers racing for one
    message, exactly one sees a row count of 1.
    """
    now = timezone.now()
    claimable = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, claimed_until__lt=now
    )
    claimed = OutboxMessage.objects.filter(claimable, pk=message_id).update(
        status=OutboxStatus.SENDING,
        claimed_until=now + timedelta(seconds=settings.MAIL_CLAIM_SECONDS),
        attempts=F("attempts") + 1,
    )
    if claimed != 1:
        return None
    return OutboxMessage.objects.get(pk=message_id)


def _build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to_address],
        reply_to=[settings.CONTACT_EMAIL],
        headers={"Message-ID": message.message_id, "Auto-Submitted": "auto-generated"},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    return email


_ENHANCED_STATUS = re.compile(rb"^\s*(\d)\.(\d{1,3})\.(\d{1,3})")


def mailbox_does_not_exist(code: int, reply: bytes) -> bool:
    """Whether a refusal says the address is bad, so it is safe never to mail it marketing.

    Only 550/551/553 with an enhanced status of 5.1.x (bad mailbox or domain). A bare 550
    is also what misconfigured relays say for "relay not permitted" or a blocklist hit,
    and suppressing on it could put a whole list on the do-not-mail list at once.
    """
    if code not in (550, 551, 553):
        return False
    enhanced = _ENHANCED_STATUS.match(reply or b"")
    return enhanced is not None and enhanced.group(1, 2) == (b"5", b"1")


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def outbox_deliver(*, message_id: uuid.UUID) -> DeliveryOutcome:
    """Deliver one outbox message if it is due and not already taken; record the result."""
    message = _claim(message_id)
    if message is None:
        return DeliveryOutcome.NOT_CLAIMED
    access_record(
        actor=None,
        actor_kind=ActorKind.JOB,
        actor_label=Job.DELIVER_MAIL,
        subject_id=message.recipient_id,
        action=AccessAction.JOB_READ,
        fields=[qualified(OutboxMessage, name) for name in registry.fields_of(OutboxMessage)],
        basis=AccessBasis.BACKGROUND_JOB,
        reference=str(message.pk),
    )
    try:
        get_connection(fail_silently=False).send_messages([_build_email(message)])
    except (smtplib.SMTPException, OSError) as exc:
        return _record_failure(message, exc)
    sending = OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.SENDING)
    if message.forget_when_done:
        sending.delete()
    else:
        sending.update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
        )
    logger.info("mail sent", extra={"outbox_id": str(message.pk), "kind": message.kind})
    return DeliveryOutcome.SENT


def _error_summary(exc: Exception) -> str:
    """Name the failure without the server's text, which often repeats the address."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _msg in exc.recipients.values()})
        return f"{type(exc).__name__}: {', '.join(codes)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code}"
    return type(exc).__name__


def _record_failure(message: OutboxMessage, exc: Exception) -> DeliveryOutcome:
    error = _error_summary(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        mailbox_does_not_exist(code, reply) for code, reply in exc.recipients.values()
    ):
        # The address does not exist: marketing never tries it again (order mail still
        # may, should the customer correct it).
        from subscriptions.models import Channel, SuppressionReason
        from subscriptions.services import suppression_add

        suppression_add(
            email=message.to_address, reason=SuppressionReason.HARD_BOUNCE, channel=Channel.BOUNCE
        )
    if _is_permanent(exc) or message.attempts >= settings.MAIL_MAX_ATTEMPTS:
        given_up = OutboxMessage.objects.filter(pk=message.pk)
        if message.forget_when_done:
            given_up.delete()
        else:
            given_up.update(status=OutboxStatus.FAILED, claimed_until=None, last_error=error)
        logger.warning("mail failed for good", extra={"outbox_id": str(message.pk)})
        return DeliveryOutcome.FAILED
    message.status = OutboxStatus.PENDING
    message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    message.claimed_until = None
    message.last_error = error
    with transaction.atomic():
        message.save(update_fields=["status", "next_attempt_at", "claimed_until", "last_error"])
        _schedule_delivery(message)
    logger.info("mail delivery will be retried", extra={"outbox_id": str(message.pk)})
    return DeliveryOutcome.RETRY


def outbox_requeue_stalled() -> int:
    """Queue delivery again for messages whose task was lost or whose worker died.

    Safe to run at any time and as often as wanted (from cron, or when a worker
    starts): the claim in outbox_deliver keeps each message to one delivery.
    """
    now = timezone.now()
    stalled = OutboxMessage.objects.filter(
        Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        | Q(status=OutboxStatus.SENDING, claimed_until__lt=now)
    )
    count = 0
    for message in stalled.only("id", "next_attempt_at").iterator():
        with transaction.atomic():
            _schedule_delivery(message)
        count += 1
    return count
