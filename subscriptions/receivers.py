"""What subscriptions does when the apps below it report something (P8, P12, P13).

- mail reports an address bad or its owner's wish (`delivery_feedback`): suppress it.
  Both of mail's paths end here, in the same receiver and the same service: a permanent
  refusal seen by our own SMTP delivery, and a bounce, complaint or unsubscribe that the
  email provider's webhook reported (mail.receivers);
- accounts registers a customer (`customer_registered`): switch on the topics ticked on
  the registration form, in the registration's transaction;
- accounts changes a customer's address (`verified_email_leaving`, `email_changed`): the
  subscription follows the account, in the change's transaction.

Connected at start-up, when core finds every app's receivers module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import customer_registered, email_changed, verified_email_leaving
from mail.signals import DeliveryFeedback, delivery_feedback
from subscriptions.forms import chosen_topics
from subscriptions.services import (
    subscriber_address_follow,
    subscriptions_choose_at_registration,
    suppression_from_feedback,
    visitor_subscriber_claim,
)


@receiver(delivery_feedback, dispatch_uid="subscriptions.suppress_on_feedback")
def suppress_on_delivery_feedback(
    sender: Any, address: str, feedback: DeliveryFeedback, **kwargs: Any
) -> None:
    """Receive mail's `delivery_feedback`: never mail the address marketing again (P13)."""
    suppression_from_feedback(email=address, feedback=feedback)


@receiver(customer_registered, dispatch_uid="subscriptions.registration_topics_record")
def registration_topics_record(
    sender: Any, *, customer: User, answers: Mapping[str, Any], **kwargs: Any
) -> None:
    """Record the topics ticked at registration (P8); none ticked records nothing."""
    subscriptions_choose_at_registration(user=customer, topics=chosen_topics(answers))


@receiver(verified_email_leaving, dispatch_uid="subscriptions.visitor_subscriber_claim")
def visitor_subscriber_claim_on_leaving(sender: Any, *, customer: User, **kwargs: Any) -> None:
    """Give the account the footer sign-up under the verified address it is leaving (P12)."""
    visitor_subscriber_claim(user=customer)


@receiver(email_changed, dispatch_uid="subscriptions.subscriber_address_follow")
def subscriber_address_follow_on_change(sender: Any, *, customer: User, **kwargs: Any) -> None:
    """Move the account's subscription, if it has one, to its new address (P12)."""
    subscriber_address_follow(user=customer)
