"""P13: delivery feedback suppresses an address only when it proves it bad or the owner asked.

Both of mail's paths reach the same receiver: a provider's webhook event, and a
permanent refusal our own SMTP delivery saw.
"""

from __future__ import annotations

import warnings
from typing import Any

import pytest
from anymail.signals import AnymailTrackingEvent, EventType, RejectReason, tracking
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from anymail.webhooks.brevo import BrevoTrackingWebhookView
from anymail.webhooks.postmark import PostmarkTrackingWebhookView

from accounts.services import email_verification_send
from config.env import email_settings
from core.testing import SMTPServer, run_tasks
from mail.signals import DeliveryFeedback, delivery_feedback
from subscriptions.models import (
    Channel,
    Subscriber,
    SubscriptionAction,
    SubscriptionEvent,
    Suppression,
    SuppressionReason,
    Topic,
)
from subscriptions.selectors import audience_filter, is_suppressed
from subscriptions.tests.factories import ConfirmedSubscriberFactory

pytestmark = pytest.mark.django_db

RECIPIENT = "Gent@Example.al"


def _send(event: AnymailTrackingEvent, esp_name: str = "Test") -> None:
    tracking.send(sender=object, event=event, esp_name=esp_name)


def _postmark(bounce_type: str) -> AnymailTrackingEvent:
    with warnings.catch_warnings():  # the view warns that no webhook secret is set
        warnings.simplefilter("ignore")
        view = PostmarkTrackingWebhookView()
    return view.esp_to_anymail_event(
        {"RecordType": "Bounce", "Type": bounce_type, "Email": RECIPIENT}
    )


def _brevo(event: str) -> AnymailTrackingEvent:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        view = BrevoTrackingWebhookView()
    return view.esp_to_anymail_event({"event": event, "email": RECIPIENT})


def _ses(bounce_type: str) -> AnymailTrackingEvent:
    ses_event: dict[str, Any] = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": RECIPIENT}],
        },
        "mail": {},
    }
    # Parsing needs no AWS client; the view's constructor would ask for boto3.
    view = AmazonSESTrackingWebhookView.__new__(AmazonSESTrackingWebhookView)
    [event] = view.esp_to_anymail_events(ses_event, {})
    return event


# What each provider's webhook turns into, as anymail parses it.
SOFT_BOUNCES = {
    "ses-transient": ("Amazon SES", lambda: _ses("Transient")),
    "ses-undetermined": ("Amazon SES", lambda: _ses("Undetermined")),
    "postmark-soft": ("Postmark", lambda: _postmark("SoftBounce")),
    "brevo-soft": ("Brevo", lambda: _brevo("soft_bounce")),
}
HARD_BOUNCES = {
    "ses-permanent": ("Amazon SES", lambda: _ses("Permanent")),
    "postmark-hard": ("Postmark", lambda: _postmark("HardBounce")),
    "brevo-hard": ("Brevo", lambda: _brevo("hard_bounce")),
    "brevo-invalid": ("Brevo", lambda: _brevo("invalid_email")),
}


def _audience(topic: Topic) -> set[int]:
    return set(Subscriber.objects.filter(audience_filter(topic)).values_list("pk", flat=True))


@pytest.mark.parametrize("case", SOFT_BOUNCES)
def test_p13_a_providers_soft_bounce_suppresses_nothing(case):
    subscriber = ConfirmedSubscriberFactory(email="gent@example.al", topics=[Topic.OFFERS])
    esp_name, parse = SOFT_BOUNCES[case]
    event = parse()
    assert event.event_type == EventType.BOUNCED  # anymail does not call it deferred
    _send(event, esp_name)
    assert not Suppression.objects.exists()
    assert subscriber.pk in _audience(Topic.OFFERS)


@pytest.mark.parametrize("case", HARD_BOUNCES)
def test_p13_a_providers_hard_bounce_suppresses_the_address(case):
    subscriber = ConfirmedSubscriberFactory(email="gent@example.al", topics=[Topic.OFFERS])
    esp_name, parse = HARD_BOUNCES[case]
    _send(parse(), esp_name)
    assert Suppression.objects.get().reason == SuppressionReason.HARD_BOUNCE
    assert SubscriptionEvent.objects.filter(
        subscriber=subscriber, action=SubscriptionAction.SUPPRESSED
    ).exists()


@pytest.mark.parametrize(
    ("event_type", "reject_reason", "reason"),
    [
        (EventType.BOUNCED, RejectReason.BOUNCED, SuppressionReason.HARD_BOUNCE),
        (EventType.BOUNCED, RejectReason.INVALID, SuppressionReason.HARD_BOUNCE),
        (EventType.REJECTED, RejectReason.INVALID, SuppressionReason.HARD_BOUNCE),
        (EventType.REJECTED, RejectReason.BOUNCED, SuppressionReason.HARD_BOUNCE),
        (EventType.COMPLAINED, None, SuppressionReason.COMPLAINT),
        (EventType.COMPLAINED, RejectReason.SPAM, SuppressionReason.COMPLAINT),
        (EventType.UNSUBSCRIBED, None, SuppressionReason.UNSUBSCRIBED),
    ],
)
def test_p13_a_permanent_bounce_complaint_or_unsubscribe_suppresses(
    event_type, reject_reason, reason
):
    subscriber = ConfirmedSubscriberFactory(email="gent@example.al", topics=[Topic.OFFERS])
    _send(
        AnymailTrackingEvent(
            event_type=event_type, recipient=RECIPIENT, reject_reason=reject_reason
        )
    )
    assert is_suppressed("gent@example.al")
    assert Suppression.objects.get().reason == reason
    assert SubscriptionEvent.objects.filter(
        subscriber=subscriber, action=SubscriptionAction.SUPPRESSED
    ).exists()


@pytest.mark.parametrize("event_type", [EventType.BOUNCED, EventType.REJECTED])
@pytest.mark.parametrize(
    "reject_reason",
    [None, RejectReason.OTHER, RejectReason.TIMED_OUT, RejectReason.BLOCKED],
)
def test_p13_a_bounce_or_rejection_without_a_permanent_reason_suppresses_nothing(
    event_type, reject_reason
):
    _send(
        AnymailTrackingEvent(
            event_type=event_type, recipient=RECIPIENT, reject_reason=reject_reason
        )
    )
    assert not Suppression.objects.exists()


@pytest.mark.parametrize("event_type", [EventType.DEFERRED, EventType.DELIVERED, EventType.OPENED])
def test_p13_provider_events_that_say_nothing_about_the_address_suppress_nothing(event_type):
    _send(AnymailTrackingEvent(event_type=event_type, recipient=RECIPIENT))
    assert not Suppression.objects.exists()


def test_p8_a_hard_bounce_of_an_order_mail_suppresses_marketing_to_the_address(customer, settings):
    server = SMTPServer().start()

    async def refuse(server_, session, envelope, address, options):  # type: ignore[no-untyped-def]
        return "550 5.1.1 No such user"

    server.handler.handle_RCPT = refuse  # type: ignore[attr-defined]
    try:
        for name, value in email_settings(server.url).items():
            setattr(settings, name, value)
        email_verification_send(user=customer)
        run_tasks()
    finally:
        server.stop()
    assert is_suppressed(customer.email)


@pytest.mark.parametrize(
    ("feedback", "reason", "channel"),
    [
        (DeliveryFeedback.HARD_BOUNCE, SuppressionReason.HARD_BOUNCE, Channel.BOUNCE),
        (DeliveryFeedback.COMPLAINT, SuppressionReason.COMPLAINT, Channel.COMPLAINT),
        (DeliveryFeedback.UNSUBSCRIBE, SuppressionReason.UNSUBSCRIBED, Channel.ONE_CLICK),
    ],
)
def test_p13_smtp_and_provider_feedback_leave_the_same_suppression(feedback, reason, channel):
    # given the same feedback heard once from each of mail's paths
    provider_event = {
        DeliveryFeedback.HARD_BOUNCE: AnymailTrackingEvent(
            event_type=EventType.BOUNCED, recipient=RECIPIENT, reject_reason=RejectReason.BOUNCED
        ),
        DeliveryFeedback.COMPLAINT: AnymailTrackingEvent(
            event_type=EventType.COMPLAINED, recipient=RECIPIENT
        ),
        DeliveryFeedback.UNSUBSCRIBE: AnymailTrackingEvent(
            event_type=EventType.UNSUBSCRIBED, recipient=RECIPIENT
        ),
    }[feedback]
    left = []
    for send in (
        lambda: delivery_feedback.send(sender=object, address=RECIPIENT, feedback=feedback),
        lambda: _send(provider_event),
    ):
        subscriber = ConfirmedSubscriberFactory(email="gent@example.al", topics=[Topic.OFFERS])
        send()
        event = SubscriptionEvent.objects.get(action=SubscriptionAction.SUPPRESSED)
        left.append(
            (Suppression.objects.get().reason, event.subscriber_id == subscriber.pk, event.channel)
        )
        Suppression.objects.all().delete()
        Subscriber.objects.all().delete()
        SubscriptionEvent.objects.all().delete()
    # then both leave the same rows
    assert left == [(reason, True, channel)] * 2
