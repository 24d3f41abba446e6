"""Hand one campaign message to the mail system with the commit point in the right place.

At-most-once needs the database to say "sent" before the message can exist at the
server, and the window between the two to be as short as possible. Over SMTP the
message becomes the server's only when the final "." of DATA arrives: the whole
message is written first, then the caller's `commit` runs (it records the message as
sent, or refuses because the person unsubscribed a moment ago), and only then does the
"." go out. A worker killed before the commit leaves a half-written DATA that the
server discards, so the message may safely be sent again; a worker killed after it
has already recorded the send. One connection is reused for every message a worker
sends.

Other backends (the development Maildir, django-anymail providers) have no such
split: the commit runs first and the backend sends after it.
"""

from __future__ import annotations

import enum
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default as default_policy

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.utils.module_loading import import_string

from mail.delivery import mailbox_does_not_exist
from mail.dkim import dkim_sign


class Outcome(enum.Enum):
    SENT = "sent"
    # The caller's commit refused: nothing reached the server.
    WITHDRAWN = "withdrawn"


class RecipientRefused(Exception):
    """The server says the mailbox does not exist (550/551/553, 5.1.x): suppressed."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class RecipientDeferred(Exception):
    """The server will not take this address now: a 4xx (greylisting, a full mailbox) or a
    refusal that does not say the mailbox is bad (5.2.x disabled, 5.7.x policy). Tried
    again later, a few times, and never suppressed."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class TemporaryFailure(Exception):
    """The server or the connection failed before the commit: the message may go again.

    Not the recipient's fault (no connection, a refused login or sender, a failing DATA):
    the row is given back without counting a try against it.
    """

    def __init__(self, summary: str) -> None:
        super().__init__(summary)
        self.summary = summary


class RejectedAfterCommit(Exception):
    """The server answered the final "." with an error; known not delivered."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = code >= 500


def _nothing() -> None:
    return None


@dataclass(frozen=True)
class Envelope:
    sender: str
    recipient: str
    data: bytes


_LEADING_DOT = re.compile(rb"(?m)^\.")


class SMTPTransport:
    """One reused SMTP connection, configured from Django's EMAIL_* settings."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        timeout = float(settings.EMAIL_TIMEOUT or 30)
        smtp: smtplib.SMTP
        if settings.EMAIL_USE_SSL:
            smtp = smtplib.SMTP_SSL(
                settings.EMAIL_HOST,
                settings.EMAIL_PORT,
                timeout=timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout)
            if settings.EMAIL_USE_TLS:
                smtp.starttls(context=ssl.create_default_context())
        if settings.EMAIL_HOST_USER:
            smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
        smtp.ehlo_or_helo_if_needed()
        # The final "." is a 3-byte write after the message: with Nagle's algorithm it
        # would wait for the server's delayed ACK (~40 ms) on every message.
        if smtp.sock is not None:
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return smtp

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def reset(self) -> None:
        """Forget the connection after an unexpected error; the next message opens a new one."""
        self._drop()

    def _drop(self) -> None:
        # Closing mid-DATA is how a half-written message is abandoned: the server
        # discards a DATA section that never received its final ".".
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def send(
        self, envelope: Envelope, commit: Callable[[], bool], settle: Callable[[], None] = _nothing
    ) -> Outcome:
        """Send one message; `commit` decides, `settle` runs right after the final "." went."""
        # Signed here, on the bytes that go out; other backends sign their own (mail.backends).
        signed = dkim_sign(envelope.data)
        try:
            smtp = self._connection()
            code, _reply = smtp.mail(envelope.sender)
            if code != 250:
                raise TemporaryFailure(f"MAIL {code}")
            code, reply = smtp.rcpt(envelope.recipient)
            if code not in (250, 251):
                smtp.rset()
                if mailbox_does_not_exist(code, reply):
                    raise RecipientRefused(code)
                raise RecipientDeferred(code)
            code, _reply = smtp.docmd("data")
            if code != 354:
                smtp.rset()
                raise TemporaryFailure(f"DATA {code}")
            data = _LEADING_DOT.sub(b"..", signed)
            if not data.endswith(b"\r\n"):
                data += b"\r\n"
            smtp.send(data)
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise TemporaryFailure(type(exc).__name__) from exc
        if not commit():
            self._drop()
            return Outcome.WITHDRAWN
        try:
            try:
                smtp.send(b".\r\n")
            finally:
                settle()
            code, _reply = smtp.getreply()
        except (smtplib.SMTPException, OSError):
            # The "." may or may not have arrived: the send stays recorded, never repeated.
            self._drop()
            return Outcome.SENT
        if code != 250:
            raise RejectedAfterCommit(code)
        return Outcome.SENT


class BackendTransport:
    """Any other Django email backend (Maildir, django-anymail providers): commit, then send.

    The assembled bytes are read back into an EmailMultiAlternatives, so API providers
    get the subject, both parts and the list headers as fields, not as an opaque blob.
    """

    def __init__(self) -> None:
        self._connection = get_connection(fail_silently=False)

    def close(self) -> None:
        self._connection.close()

    def reset(self) -> None:
        self._connection.close()
        self._connection = get_connection(fail_silently=False)

    def send(
        self, envelope: Envelope, commit: Callable[[], bool], settle: Callable[[], None] = _nothing
    ) -> Outcome:
        if not commit():
            return Outcome.WITHDRAWN
        settle()
        self._connection.send_messages([email_message_from_bytes(envelope)])
        return Outcome.SENT


_KEPT_HEADERS = (
    "Message-ID",
    "Date",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Precedence",
    "Content-Language",
)


def email_message_from_bytes(envelope: Envelope) -> EmailMultiAlternatives:
    parsed = message_from_bytes(envelope.data, policy=default_policy)
    text = parsed.get_body(preferencelist=("plain",))
    html = parsed.get_body(preferencelist=("html",))
    message = EmailMultiAlternatives(
        subject=str(parsed["Subject"]),
        body=text.get_content() if text is not None else "",  # type: ignore[attr-defined]
        from_email=str(parsed["From"]),
        to=[envelope.recipient],
        reply_to=[str(parsed["Reply-To"])] if parsed["Reply-To"] else None,
        headers={name: str(parsed[name]) for name in _KEPT_HEADERS if parsed[name]},
    )
    if html is not None:
        message.attach_alternative(html.get_content(), "text/html")  # type: ignore[attr-defined]
    return message


Transport = SMTPTransport | BackendTransport


def open_transport() -> Transport:
    backend = import_string(settings.EMAIL_BACKEND)
    if isinstance(backend, type) and issubclass(backend, SMTPBackend):
        return SMTPTransport()
    return BackendTransport()
