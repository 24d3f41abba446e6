"""Real mail for the inbound tests: RFC 5322 messages built with Python's email package,
posted to the webhook as Mailgun posts them (its raw-MIME and its parsed forward)."""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import secrets
import time
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.tests.images import phone_photo_jpeg

SIGNING_KEY = "key-test-inbound-3vfejzo-0123456789abcdef"
SHOP = "info@3vfejzo.al"


def jpeg_with_exif() -> bytes:
    """A phone photo: EXIF with the place it was taken, the camera and its owner; XMP."""
    return phone_photo_jpeg(width=120, height=90)


def has_exif(content: bytes) -> bool:
    with Image.open(io.BytesIO(content)) as opened:
        return bool(opened.getexif()) or "exif" in opened.info


def customer_mail(
    *,
    sender: tuple[str, str] = ("Arta Hoxha", "arta.hoxha@example.al"),
    subject: str = "Frigoriferi nuk ftoh",
    text: str | None = "Përshëndetje, frigoriferi që bleva nuk ftoh më që dje.",
    html: str | None = None,
    in_reply_to: str | None = None,
    references: tuple[str, ...] = (),
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    message_id: str | None = None,
) -> EmailMessage:
    """Return a mail to info@ as a customer's mail program writes it."""
    message = EmailMessage()
    name, address = sender
    message["From"] = f"{name} <{address}>"
    message["To"] = f"3VFejzo <{SHOP}>"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.al")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    if references:
        message["References"] = " ".join(references)
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, content_type, content in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def reply_to(
    sent_message_id: str,
    *,
    earlier: tuple[str, ...] = (),
    text: str = "Faleminderit! E enjtja më shkon mirë.",
    sender: tuple[str, str] = ("Arta Hoxha", "arta.hoxha@example.al"),
    **kwargs: Any,
) -> EmailMessage:
    """Return a reply to the shop's mail, quoting it, with the reply chain in its headers."""
    quoted = f"{text}\n\nMë 7 dhj 2026, 3VFejzo <{SHOP}> shkroi:\n> Tekniku vjen të enjten.\n"
    return customer_mail(
        sender=sender,
        subject="Re: Ju përgjigjëm në kërkesën",
        text=quoted,
        in_reply_to=sent_message_id,
        references=(*earlier, sent_message_id),
        **kwargs,
    )


def signature(timestamp: str, token: str, key: str = SIGNING_KEY) -> str:
    return hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()


def signed_fields(*, key: str = SIGNING_KEY, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    token = secrets.token_hex(25)
    return {"timestamp": stamp, "token": token, "signature": signature(stamp, token, key)}


def webhook_url() -> str:
    return reverse("support_inbound_mailgun")


def post_raw(
    client: Client, message: EmailMessage, *, security: dict[str, str] | None = None
) -> Any:
    """Post the message as Mailgun's route forwards to a URL for raw MIME (`body-mime`)."""
    data = {
        "recipient": SHOP,
        "sender": str(message["From"]).rsplit("<", 1)[-1].rstrip(">"),
        "from": str(message["From"]),
        "subject": str(message["Subject"]),
        "body-mime": message.as_string(),
        **(signed_fields() if security is None else security),
    }
    return client.post(webhook_url(), data)


def post_parsed(client: Client, message: EmailMessage) -> Any:
    """Post the message as Mailgun's route forwards it parsed: fields and attachment files."""
    body = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    files = [
        SimpleUploadedFile(
            part.get_filename() or "file",
            part.get_payload(decode=True),
            content_type=part.get_content_type(),
        )
        for part in message.iter_attachments()
    ]
    data: dict[str, Any] = {
        "recipient": SHOP,
        "sender": str(message["From"]).rsplit("<", 1)[-1].rstrip(">"),
        "from": str(message["From"]),
        "subject": str(message["Subject"]),
        "body-plain": body.get_content() if body is not None else "",
        "message-headers": json.dumps([[name, str(value)] for name, value in message.items()]),
        "attachment-count": str(len(files)),
        **signed_fields(),
    }
    if html is not None:
        data["body-html"] = html.get_content()
    for number, upload in enumerate(files, start=1):
        data[f"attachment-{number}"] = upload
    return client.post(webhook_url(), data)
