"""The development outbox: every delivered message lands in a Maildir under var/."""

from __future__ import annotations

import mailbox
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


def maildir_path() -> Path:
    return Path(getattr(settings, "EMAIL_MAILDIR", settings.VAR_DIR / "mail"))


class MaildirBackend(BaseEmailBackend):
    """Store messages in a Maildir the development mail viewer (/_dev/mail/) reads."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.path = maildir_path()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        box = mailbox.Maildir(self.path, create=True)
        for message in email_messages:
            box.add(message.message().as_bytes(linesep="\n"))
        return len(email_messages)
