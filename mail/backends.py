"""The email backends the shop sends through; both sign with DKIM when a key is set.

`SMTPBackend` is Django's SMTP backend signing the final bytes of each message
(mail.dkim); `MaildirBackend` is the development outbox, a Maildir under var/.
"""

from __future__ import annotations

import mailbox
import smtplib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend
from django.core.mail.message import EmailMessage, sanitize_address

from mail.dkim import dkim_sign


def maildir_path() -> Path:
    return Path(getattr(settings, "EMAIL_MAILDIR", settings.VAR_DIR / "mail"))


class SigningBackend(BaseEmailBackend):
    """A backend that sends the bytes it builds itself, so it can sign them (mail.checks)."""


class SMTPBackend(DjangoSMTPBackend, SigningBackend):
    """Django's SMTP backend, each message signed on its final bytes when DKIM is on."""

    def _send(self, email_message: EmailMessage) -> bool:
        # Django's own _send, with the bytes signed between rendering and sending: the
        # MIME boundaries are drawn at rendering, so the signature must follow it.
        if not email_message.recipients() or self.connection is None:
            return False
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        from_email = sanitize_address(email_message.from_email, encoding)
        recipients = [sanitize_address(addr, encoding) for addr in email_message.recipients()]
        data = dkim_sign(email_message.message().as_bytes(linesep="\r\n"))
        try:
            self.connection.sendmail(from_email, recipients, data)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True


class MaildirBackend(SigningBackend):
    """Store messages in a Maildir the development mail viewer (/_dev/mail/) reads."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.path = maildir_path()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.path, create=True)
        for message in email_messages:
            signed = dkim_sign(message.message().as_bytes(linesep="\r\n"))
            box.add(signed.replace(b"\r\n", b"\n"))
        return len(email_messages)
