from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from config.env import email_settings
from core.testing import (
    CollectingHandler,
    SMTPServer,
    free_port,
    html_body,
    run_tasks,
    text_body,
)
from mail.delivery import DeliveryOutcome, mailbox_does_not_exist, outbox_deliver
from mail.models import MailKind, OutboxMessage, OutboxStatus
from mail.services import mail_enqueue
from mail.signals import DeliveryFeedback, delivery_feedback
from mail.tasks import delivery_schedule, outbox_requeue_stalled

pytestmark = pytest.mark.django_db


def _deliver(message_id):  # type: ignore[no-untyped-def]
    """Deliver as the task does, retries queued by the task's own scheduler."""
    return outbox_deliver(
        message_id=message_id,
        retry_schedule=lambda pk, when: delivery_schedule(message_id=pk, run_after=when),
    )


def _enqueue(customer, kind=MailKind.WELCOME):  # type: ignore[no-untyped-def]
    return mail_enqueue(
        kind=kind,
        to_address=customer.email,
        language="sq",
        recipient=customer,
        context={"first_name": customer.first_name},
    )


def _make_due() -> None:
    """Let time pass: every waiting retry and task becomes due now."""
    past = timezone.now() - timedelta(seconds=1)
    OutboxMessage.objects.filter(status=OutboxStatus.PENDING).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status="READY").update(run_after=past)


def test_p8_message_and_its_task_roll_back_with_the_action(customer):
    # given an action that fails after writing its mail
    with pytest.raises(RuntimeError), transaction.atomic():
        _enqueue(customer)
        raise RuntimeError("the action failed")
    # then neither the message nor its delivery task exist
    assert OutboxMessage.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_p8_p15_message_delivered_over_smtp_with_footer(customer, smtp_server):
    _enqueue(customer)
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == customer.email
    assert message["Subject"] == "Mirë se vini në 3VFejzo"
    assert "info@3vfejzo.al" in text_body(message)
    assert "info@3vfejzo.al" in html_body(message)
    assert "/privatesia/" in text_body(message) and "/privatesia/" in html_body(message)
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_mail_in_english_for_an_english_customer(customer, smtp_server):
    mail_enqueue(
        kind=MailKind.WELCOME,
        to_address=customer.email,
        language="en",
        recipient=customer,
        context={"first_name": customer.first_name},
    )
    run_tasks()
    [message] = smtp_server.messages
    assert "/en/privatesia/" in text_body(message)


def test_running_the_task_again_sends_nothing_twice(customer, smtp_server):
    outbox = _enqueue(customer)
    run_tasks()
    assert _deliver(outbox.pk) == DeliveryOutcome.NOT_CLAIMED
    outbox_requeue_stalled()
    run_tasks()
    assert len(smtp_server.messages) == 1


def test_smtp_down_then_back_delivers_exactly_once(customer, settings):
    # given an SMTP server that is down
    port = free_port()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}?timeout=2").items():
        setattr(settings, name, value)
    outbox = _enqueue(customer)
    run_tasks()
    outbox.refresh_from_db()
    assert outbox.status == OutboxStatus.PENDING
    assert outbox.attempts == 1
    assert outbox.next_attempt_at > timezone.now()
    assert "ConnectionRefusedError" in outbox.last_error
    # when it comes back and the retry falls due
    server = SMTPServer(port=port).start()
    try:
        _make_due()
        run_tasks()
        run_tasks()
        outbox_requeue_stalled()
        run_tasks()
        # then the message arrived exactly once
        assert len(server.messages) == 1
    finally:
        server.stop()
    outbox.refresh_from_db()
    assert outbox.status == OutboxStatus.SENT
    assert outbox.attempts == 2


def test_a_retry_is_saved_only_with_its_task(customer, settings):
    # given an SMTP server that is down, and a task queue that fails to take the retry
    port = free_port()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}?timeout=2").items():
        setattr(settings, name, value)
    outbox = _enqueue(customer)
    DBTaskResult.objects.all().delete()

    def queue_down(message_id, when):  # type: ignore[no-untyped-def]
        raise RuntimeError("task queue unavailable")

    # when the delivery fails and its retry cannot be queued
    with pytest.raises(RuntimeError):
        outbox_deliver(message_id=outbox.pk, retry_schedule=queue_down)

    # then the retry is not recorded either: the claim runs out and the sweeper sends it
    outbox.refresh_from_db()
    assert outbox.status == OutboxStatus.SENDING
    assert outbox.last_error == ""


def test_worker_killed_after_claiming_the_message_is_recovered_once(customer, smtp_server):
    # given a worker that claimed the message and died before sending it
    outbox = _enqueue(customer)
    OutboxMessage.objects.filter(pk=outbox.pk).update(
        status=OutboxStatus.SENDING,
        attempts=1,
        claimed_until=timezone.now() + timedelta(minutes=2),
    )
    DBTaskResult.objects.all().delete()
    # while its claim is live, nobody else sends it
    assert _deliver(outbox.pk) == DeliveryOutcome.NOT_CLAIMED
    # when the claim expires and the sweeper runs
    OutboxMessage.objects.filter(pk=outbox.pk).update(
        claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert outbox_requeue_stalled() == 1
    run_tasks()
    # then it is delivered once
    assert len(smtp_server.messages) == 1
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_two_workers_racing_for_one_message_send_it_once(customer, smtp_server):
    outbox = _enqueue(customer)
    outcomes = {
        _deliver(outbox.pk),
        _deliver(outbox.pk),
    }
    assert outcomes == {DeliveryOutcome.SENT, DeliveryOutcome.NOT_CLAIMED}
    assert len(smtp_server.messages) == 1


def test_permanent_rejection_fails_without_retry(customer, settings):
    class RejectingServer(SMTPServer):
        def __init__(self) -> None:
            super().__init__()

            class Rejecting(CollectingHandler):
                async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
                    return "550 5.1.1 No such user"

            self.handler = Rejecting()
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    server = RejectingServer().start()
    try:
        for name, value in email_settings(server.url).items():
            setattr(settings, name, value)
        outbox = _enqueue(customer)
        run_tasks()
    finally:
        server.stop()
    outbox.refresh_from_db()
    assert outbox.status == OutboxStatus.FAILED
    assert "550" in outbox.last_error
    assert DBTaskResult.objects.filter(status="READY").count() == 0


def test_message_id_is_stable_per_outbox_row(customer, smtp_server):
    outbox = _enqueue(customer)
    run_tasks()
    assert smtp_server.messages[0]["Message-ID"] == outbox.message_id


def test_p8_a_hard_bounce_is_told_as_delivery_feedback(customer, settings):
    # given a server that says the mailbox does not exist
    server = SMTPServer().start()

    async def refuse(server_, session, envelope, address, options):  # type: ignore[no-untyped-def]
        return "550 5.1.1 No such user"

    server.handler.handle_RCPT = refuse  # type: ignore[attr-defined]
    heard: list[dict[str, object]] = []

    def listen(sender, **kwargs):  # type: ignore[no-untyped-def]
        heard.append(kwargs)

    delivery_feedback.connect(listen, dispatch_uid="test-hard-bounce")
    try:
        for name, value in email_settings(server.url).items():
            setattr(settings, name, value)
        # when an order mail to it is delivered
        _enqueue(customer)
        run_tasks()
    finally:
        delivery_feedback.disconnect(dispatch_uid="test-hard-bounce")
        server.stop()
    # then the apps above hear the address is bad
    assert [(kw["address"], kw["feedback"]) for kw in heard] == [
        (customer.email, DeliveryFeedback.HARD_BOUNCE)
    ]


@pytest.mark.parametrize(
    ("code", "reply", "bad_mailbox"),
    [
        (550, b"5.1.1 <a@example.al>: Recipient address rejected: User unknown", True),
        (553, b"5.1.3 Bad recipient address syntax", True),
        (550, b"Relay not permitted", False),
        (550, b"5.7.1 JunkMail rejected - listed at an RBL", False),
        (554, b"5.1.1 No such user", False),
        (552, b"5.2.2 Mailbox full", False),
    ],
)
def test_p13_only_a_bad_mailbox_answer_suppresses(code, reply, bad_mailbox):
    assert mailbox_does_not_exist(code, reply) is bad_mailbox
