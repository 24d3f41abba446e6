"""The door mail to info@3vfejzo.al comes in by: Mailgun's inbound route (docs/adr/0006).

Mailgun posts each received mail here, with a signature: an HMAC-SHA256 of the post's
timestamp and token under the webhook signing key SUPPORT_INBOUND_SIGNING_KEY.
django-anymail checks it and reads the message (the raw RFC 5322 original, or the
fields Mailgun parsed); a post unsigned, badly signed or signed too long ago is refused
with a 400 before anything is read, and without the key set the door does not exist
(404). What the message becomes is support.receivers' and support.services' work: this
view sends anymail's `inbound` signal with itself as the sender.
"""

from __future__ import annotations

import time
from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from django.conf import settings
from django.http import Http404, HttpRequest

# A signature older (or newer) than this is refused: a post captured on the way cannot be
# replayed later. Mailgun signs each post as it sends it.
SIGNATURE_MAX_AGE_SECONDS = 15 * 60


class InboundMailView(MailgunInboundWebhookView):
    """Mailgun's route for info@ forwards here (POST /ndihma/email/mailgun/)."""

    def __init__(self, **kwargs: Any) -> None:
        # Read when each request comes, so a key set or rotated needs no new code.
        kwargs.setdefault("webhook_signing_key", settings.SUPPORT_INBOUND_SIGNING_KEY)
        super().__init__(**kwargs)

    def validate_request(self, request: HttpRequest) -> None:
        """Refuse unless the door is configured and the post was signed just now.

        anymail runs every `validate_request` in the class chain, this one first; its
        own then checks the signature itself.
        """
        if not settings.SUPPORT_INBOUND_SIGNING_KEY:
            raise Http404
        try:
            signed_at = int(request.POST.get("timestamp", ""))
        except ValueError as missing:
            raise AnymailWebhookValidationFailure(
                "Mailgun inbound webhook called without a timestamp"
            ) from missing
        if abs(time.time() - signed_at) > SIGNATURE_MAX_AGE_SECONDS:
            raise AnymailWebhookValidationFailure(
                "Mailgun inbound webhook called with a stale signature"
            )
