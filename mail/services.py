"""Write mail to the durable outbox and queue its delivery (mail.delivery sends it)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.clauses import enforces
from mail.models import MailKind, OutboxMessage
from mail.tasks import delivery_schedule
from privacy.fields import BlindIndexField

if TYPE_CHECKING:
    # The account model, whichever AUTH_USER_MODEL names (django-stubs resolves this alias):
    # mail sits below accounts and does not import it.
    from django.contrib.auth.models import _User

logger = logging.getLogger(__name__)

# Where erasure points an anonymised account's address (rights.erasure.rows): a
# reserved top-level domain (RFC 2606) that no mail can reach.
ERASED_MAIL_DOMAIN = "erased.invalid"
# The template engine without autoescaping (TEMPLATES in config/settings/base.py).
TEXT_TEMPLATE_ENGINE = "text"


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


@enforces("P8", "service mail (welcome, orders) always goes out through the outbox")
def mail_enqueue(
    *,
    kind: MailKind,
    to_address: str,
    language: str,
    context: dict[str, Any],
    recipient: _User | None = None,
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
        delivery_schedule(message_id=message.id, run_after=message.next_attempt_at)
    return message


def outbox_recipient_assign(*, to_address: str, recipient: _User) -> int:
    """Name `recipient` on the messages to this address that name nobody; return how many.

    For an account leaving an address it proved its own: the mail sent to the address
    alone (a footer sign-up's confirmation) would otherwise belong to nobody, outside the
    person's download and erasure.
    """
    index_field = OutboxMessage._meta.get_field("to_address_index")
    assert isinstance(index_field, BlindIndexField)
    return OutboxMessage.objects.filter(
        to_address_index=index_field.index_for(to_address), recipient=None
    ).update(recipient=recipient)
