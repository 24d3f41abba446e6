"""A mail to info@3vfejzo.al becomes a case, or joins the case it answers (P9, P15).

A reply joins a case only when both hold: its In-Reply-To or References name a mail
the shop sent for that case (a random Message-ID, kept as a keyed hash: nobody who was
not sent it can name it), and it comes from the address the case answers. Anything
else, a made-up or copied reference included, opens a case of its own. The same mail
delivered twice (the provider retries) is known by its Message-ID and kept once.
Photos go through core.uploads like any upload; other files are left out, and the case
says so in a note.
"""

from __future__ import annotations

import enum
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from core.email import normalise_email
from core.text import letter_count, visible_text
from core.uploads import CleanImage, image_clean
from support.inbound import InboundAttachment, InboundMail
from support.models import (
    AuthorKind,
    CaseChannel,
    CaseMail,
    CaseStatus,
    MailDirection,
    SupportCase,
)
from support.services.cases import case_save
from support.services.messages import MESSAGE_MAX_CHARS, message_add
from support.services.outgoing import message_id_index
from support.services.photos import MAX_PHOTOS_PER_MESSAGE, photos_store

FILENAME_SHOWN_CHARS = 80


class InboundOutcome(enum.StrEnum):
    OPENED = "opened"
    JOINED = "joined"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


@dataclass(frozen=True)
class InboundResult:
    outcome: InboundOutcome
    case: SupportCase | None = None


def _own_addresses() -> set[str]:
    """The shop's own addresses: mail from them is a loop, never a customer."""
    found = {normalise_email(settings.CONTACT_EMAIL)}
    sender = str(settings.DEFAULT_FROM_EMAIL)
    found.add(normalise_email(sender.rsplit("<", 1)[-1].rstrip(">")))
    return found


def _answerable(address: str) -> bool:
    try:
        validate_email(address)
    except ValidationError:
        return False
    return address not in _own_addresses()


def _shown_name(attachment: InboundAttachment) -> str:
    name = visible_text(attachment.filename)[:FILENAME_SHOWN_CHARS] or _("pa emër")
    return f"{name} ({attachment.content_type})"


def _photos_of(attachments: Sequence[InboundAttachment]) -> tuple[list[CleanImage], list[str]]:
    """Return the attachments that are photos, cleaned, and a line for each one left out."""
    photos: list[CleanImage] = []
    left_out: list[str] = []
    for attachment in attachments:
        if len(photos) >= MAX_PHOTOS_PER_MESSAGE:
            left_out.append(
                _("%(file)s: më shumë se %(count)d fotografi në një email")
                % {"file": _shown_name(attachment), "count": MAX_PHOTOS_PER_MESSAGE}
            )
            continue
        try:
            photos.append(image_clean(io.BytesIO(attachment.content)))
        except ValidationError as refused:
            left_out.append(f"{_shown_name(attachment)}: {' '.join(refused.messages)}")
    return photos, left_out


def _text_kept(mail: InboundMail) -> str:
    text = mail.text.strip()
    if letter_count(text) == 0:
        return _("(Email-i nuk kishte tekst.)")
    if len(text) > MESSAGE_MAX_CHARS:
        return text[: MESSAGE_MAX_CHARS - 1] + "…"
    return text


def _case_answered(mail: InboundMail) -> SupportCase | None:
    """Return the open case whose sent mail this one answers, from that case's address."""
    indexes = [index for index in map(message_id_index, mail.references) if index]
    if not indexes:
        return None
    sent = (
        CaseMail.objects.filter(direction=MailDirection.OUTBOUND, message_id_index__in=indexes)
        .order_by("-at", "-pk")
        .values_list("case_id", flat=True)
    )
    for case_id in dict.fromkeys(sent):
        case = (
            SupportCase.objects.select_for_update(of=("self",))
            .select_related("customer")
            .filter(pk=case_id, status=CaseStatus.OPEN)
            .first()
        )
        if case is None:
            continue
        addresses = {normalise_email(case.contact_email)}
        if case.customer is not None:
            addresses.add(normalise_email(case.customer.email))
        if mail.sender_address in addresses:
            return case
    return None


def _case_open(mail: InboundMail, *, actor: Any) -> SupportCase:
    case = SupportCase(
        customer=None,
        channel=CaseChannel.EMAIL,
        summary=visible_text(mail.subject)[:200] or _("(pa subjekt)"),
        contact_name=visible_text(mail.sender_name)[:150],
        contact_email=mail.sender_address,
        language=settings.LANGUAGE_CODE,
    )
    return case_save(case=case, changed=["summary", "contact_name", "contact_email"], actor=actor)


def inbound_mail_receive(*, mail: InboundMail, actor: Any) -> InboundResult:
    """Open a case for a received mail or add it to the case it answers; keep a mail once.

    `actor` is None: the mail comes in by itself, its sender unproven.
    """
    if not _answerable(mail.sender_address):
        return InboundResult(InboundOutcome.IGNORED)
    index = message_id_index(mail.message_id)
    # The shop's language for what it notes itself, whatever the request activated.
    with translation.override(settings.LANGUAGE_CODE):
        photos, left_out = _photos_of(mail.attachments)
        try:
            with transaction.atomic():
                return _receive(mail, index=index, photos=photos, left_out=left_out, actor=actor)
        except IntegrityError:
            # The same mail, delivered twice at once: the other delivery kept it.
            return InboundResult(InboundOutcome.DUPLICATE)


def _receive(
    mail: InboundMail,
    *,
    index: str,
    photos: list[CleanImage],
    left_out: list[str],
    actor: Any,
) -> InboundResult:
    inbound = CaseMail.objects.filter(direction=MailDirection.INBOUND, message_id_index=index)
    if inbound.exists():
        return InboundResult(InboundOutcome.DUPLICATE, inbound.first().case)  # type: ignore[union-attr]
    case = _case_answered(mail)
    outcome = InboundOutcome.JOINED if case is not None else InboundOutcome.OPENED
    if case is None:
        case = _case_open(mail, actor=actor)
    # The row that makes a second delivery a duplicate comes first, the files last.
    kept = CaseMail.objects.create(
        case=case,
        direction=MailDirection.INBOUND,
        message_id_index=index,
        sender_name=visible_text(mail.sender_name)[:150],
        sender_address=mail.sender_address,
        subject=visible_text(mail.subject)[:250],
    )
    message = message_add(
        case=case,
        body=_text_kept(mail),
        kind=AuthorKind.CUSTOMER,
        actor=actor,
        with_photos=bool(photos),
    )
    kept.message = message
    kept.save(update_fields=["message"])
    if left_out:
        note = _(
            "Këto bashkëngjitje të email-it nuk u ruajtën (pranohen vetëm fotografi JPEG, "
            "PNG ose WebP): %(files)s"
        ) % {"files": "; ".join(left_out)}
        message_add(case=case, body=note[:MESSAGE_MAX_CHARS], kind=AuthorKind.NOTE, actor=None)
    photos_store(case=case, message=message, photos=photos)
    return InboundResult(outcome, case)
