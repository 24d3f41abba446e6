"""Deliver outbox messages over SMTP, at most once per message, and record how it went.

The delivery task (mail.tasks) calls `outbox_deliver`; a message that must be tried
again is left due at a later time, and the task queues itself for then. A refusal
proving the mailbox does not exist is told to the apps above as `delivery_feedback`.
"""

from __future__ import annotations

import enum
import logging
import re
import smtplib
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mail.models import OutboxMessage, OutboxStatus
from mail.signals import DeliveryFeedback, delivery_feedback
from privacy.audit import job_record
from privacy.models import Job
from privacy.registry import qualified, registry

logger = logging.getLogger(__name__)


class DeliveryOutcome(enum.StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not_claimed"


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


def outbox_deliver(
    *, message_id: uuid.UUID, retry_schedule: Callable[[uuid.UUID, datetime], None]
) -> DeliveryOutcome:
    """Deliver one outbox message if it is due and not already taken; record the result.

    A failure worth another try is saved with `retry_schedule(message_id, when)` called in
    the same transaction (the task queues itself), so a worker dying between the two
    loses no retry.
    """
    message = _claim(message_id)
    if message is None:
        return DeliveryOutcome.NOT_CLAIMED
    job_record(
        job=Job.DELIVER_MAIL,
        subject_id=message.recipient_id,
        fields=[qualified(OutboxMessage, name) for name in registry.fields_of(OutboxMessage)],
        reference=str(message.pk),
    )
    try:
        get_connection(fail_silently=False).send_messages([_build_email(message)])
    except (smtplib.SMTPException, OSError) as exc:
        return _record_failure(message, exc, retry_schedule=retry_schedule)
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


def _record_failure(
    message: OutboxMessage,
    exc: Exception,
    *,
    retry_schedule: Callable[[uuid.UUID, datetime], None],
) -> DeliveryOutcome:
    error = _error_summary(exc)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        mailbox_does_not_exist(code, reply) for code, reply in exc.recipients.values()
    ):
        # The address does not exist: marketing never tries it again (order mail still
        # may, should the customer correct it).
        delivery_feedback.send(
            sender=OutboxMessage,
            address=message.to_address,
            feedback=DeliveryFeedback.HARD_BOUNCE,
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
        retry_schedule(message.pk, message.next_attempt_at)
    logger.info("mail delivery will be retried", extra={"outbox_id": str(message.pk)})
    return DeliveryOutcome.RETRY
