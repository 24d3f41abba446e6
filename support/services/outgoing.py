"""The shop's mail about a case, and the references that let a reply by mail find it (P9).

Whoever wrote by mail or through the contact form gets the answer itself by mail, to
the address they gave: that is the conversation they started. A customer who wrote
from their account is told there is an answer, and reads it there. Either way the
mail's Message-ID (random, fixed per outbox row) is kept as a keyed hash beside the
case, so a reply naming it in In-Reply-To or References joins this case and no other.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from mail.models import MailKind, OutboxMessage
from mail.services import mail_enqueue
from privacy.crypto import blind_index
from support.inbound import message_ids_in
from support.models import CaseChannel, CaseMail, CaseMessage, MailDirection, SupportCase

MESSAGE_ID_PURPOSE = "support.CaseMail.message_id"


def message_id_index(message_id: str) -> str:
    """Return the keyed hash a Message-ID is kept and looked up under ("" for none)."""
    found = message_ids_in(message_id)
    value = found[0] if found else message_id.strip().strip("<>").strip()
    return blind_index(value, purpose=MESSAGE_ID_PURPOSE) if value else ""


def case_url(case: SupportCase, *, language: str) -> str:
    """Return the address of the case on the customer's account, in their language."""
    with translation.override(language):
        return f"{settings.SITE_URL}{reverse('support:case_detail', args=[case.pk])}"


def answered_by_mail(case: SupportCase) -> bool:
    """Whether the shop's answers go out in full by mail: a conversation begun by mail or
    by a visitor, rather than from the customer's account."""
    return case.customer_id is None or case.channel == CaseChannel.EMAIL


def case_reply_mail(*, case: SupportCase, message: CaseMessage) -> OutboxMessage | None:
    """Write the mail that tells the customer of the shop's answer, in the caller's
    transaction, and keep its Message-ID with the case."""
    customer = case.customer
    language = case.language or getattr(customer, "language", "") or settings.LANGUAGE_CODE
    context = {
        "first_name": case.contact_name or getattr(customer, "first_name", ""),
        "case_number": str(case),
        "case_url": case_url(case, language=language) if customer is not None else "",
    }
    if answered_by_mail(case):
        to_address = case.contact_email or getattr(customer, "email", "")
        context["answer"] = message.body
    else:
        to_address = getattr(customer, "email", "")
    if not to_address:
        return None
    outbox = mail_enqueue(
        kind=MailKind.SUPPORT_REPLY,
        to_address=to_address,
        language=language,
        recipient=customer,
        context=context,
    )
    if outbox is not None:
        CaseMail.objects.create(
            case=case,
            message=message,
            direction=MailDirection.OUTBOUND,
            message_id_index=message_id_index(outbox.message_id),
        )
    return outbox
