"""What delivery tells the apps above mail: an address proven bad, or whose owner said stop.

mail knows only how a delivery went; what follows from it (never mailing the address
marketing again) is for the app that owns marketing, which receives `delivery_feedback`.
"""

from __future__ import annotations

import enum

from django.dispatch import Signal


class DeliveryFeedback(enum.StrEnum):
    """What a delivery proved about an address, or what its owner said through it."""

    # The mailbox or its domain does not exist: a permanent refusal, over SMTP or
    # reported by the email provider.
    HARD_BOUNCE = "hard_bounce"
    # The recipient marked a message as spam (the provider's feedback loop).
    COMPLAINT = "complaint"
    # The recipient unsubscribed through the provider's own link or page.
    UNSUBSCRIBE = "unsubscribe"


# Sent with `address` (str) and `feedback` (DeliveryFeedback), whichever path saw it: our
# own SMTP delivery (sender OutboxMessage), or the provider's webhook (mail.receivers; the
# sender is anymail's webhook view).
delivery_feedback = Signal()
