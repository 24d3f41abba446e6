"""A mail to info@3vfejzo.al, read into what a case keeps of it (P9, P15).

The email provider's webhook (support.webhooks) hands over the message as anymail
parsed it from the RFC 5322 original; this module reads the sender, the subject, the
text, the references a reply carries and the attachments, and nothing else. The text
is the text/plain part when there is one; an HTML-only mail is turned into plain text
here, its markup dropped and never kept, so nothing of it can run on a page later.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.message import Message
from html.parser import HTMLParser
from typing import Any

from anymail.exceptions import AnymailError

from core.email import normalise_email

# Elements whose content is never text a person wrote.
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLOCKS = frozenset(
    {
        "address",
        "blockquote",
        "br",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "table",
        "tr",
        "ul",
    }
)
_BLANK_LINES = re.compile(r"\n{3,}")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")


def message_ids_in(header: str) -> list[str]:
    """Return the Message-IDs a header names (In-Reply-To, References), in order."""
    return _MESSAGE_ID.findall(header or "")


@dataclass(frozen=True)
class InboundAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class InboundMail:
    """What a case keeps of one received mail."""

    message_id: str
    sender_address: str
    sender_name: str
    subject: str
    text: str
    # Every Message-ID named by In-Reply-To and References, nearest first.
    references: tuple[str, ...]
    attachments: tuple[InboundAttachment, ...]


class _TextOfHtml(HTMLParser):
    """Collect the text of an HTML mail: block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Return the text a person reads in an HTML mail, as plain text without any markup."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def without_quoted_reply(text: str) -> str:
    """Return the text without the quoted mail a reply ends with ("> …"), nor the line
    that introduces it ("On …, 3VFejzo wrote:"); text that quotes nothing is kept whole."""
    lines = text.splitlines()
    end = len(lines)
    quoted = False
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        quoted = quoted or lines[end - 1].lstrip().startswith(">")
        end -= 1
    if not quoted:
        return text.strip()
    if end and lines[end - 1].rstrip().endswith(":"):
        end -= 1
    return "\n".join(lines[:end]).strip()


def _references(message: Message) -> tuple[str, ...]:
    found: list[str] = []
    for header in ("In-Reply-To", "References"):
        for value in message.get_all(header) or []:
            found += message_ids_in(str(value))
    # References lists the thread oldest first: the nearest are tried first.
    ordered = found[:1] + list(reversed(found[1:]))
    return tuple(dict.fromkeys(f"<{value}>" for value in ordered))


def _body_part(part: Message) -> bool:
    return part.get_content_type() in ("text/plain", "text/html") and not (
        part.get_content_disposition() == "attachment" or part.get_filename()
    )


def _attachments(message: Any) -> tuple[InboundAttachment, ...]:
    """Return every file the mail carried: attachments, and inline parts with a file name
    that are not the HTML's own pictures (a signature's logo has a Content-ID)."""
    found = []
    for part in message.walk():
        if part.is_multipart() or _body_part(part):
            continue
        if part.get_content_disposition() == "inline" and part["Content-ID"]:
            continue
        if part.get_content_maintype() == "message":
            continue
        found.append(
            InboundAttachment(
                filename=str(part.get_filename() or ""),
                content_type=part.get_content_type(),
                content=part.get_content_bytes() or b"",
            )
        )
    return tuple(found)


def _message_id(message: Message, sender: str, subject: str, text: str) -> str:
    """Return the mail's Message-ID; a mail without one is named by what it says."""
    found = message_ids_in(str(message.get("Message-ID", "")))
    if found:
        return f"<{found[0]}>"
    digest = hashlib.sha256(
        "\x1f".join((sender, str(message.get("Date", "")), subject, text)).encode()
    ).hexdigest()
    return f"<{digest}@pa-message-id.3vfejzo.al>"


def inbound_mail_read(message: Any) -> InboundMail | None:
    """Return what a case keeps of an anymail inbound message, or None for a mail without
    a sender to answer."""
    try:
        sender = message.from_email
    except AnymailError:
        return None
    if sender is None or isinstance(sender, list) or "@" not in (sender.addr_spec or ""):
        return None
    subject = " ".join(str(message.subject or "").split())
    stripped = getattr(message, "stripped_text", None)
    if stripped:
        text = str(stripped).strip()
    elif message.text:
        text = without_quoted_reply(str(message.text))
    else:
        text = without_quoted_reply(html_to_text(str(message.html or "")))
    address = normalise_email(sender.addr_spec)
    return InboundMail(
        message_id=_message_id(message, address, subject, text),
        sender_address=address,
        sender_name=" ".join(str(sender.display_name or "").split()),
        subject=subject,
        text=text,
        references=_references(message),
        attachments=_attachments(message),
    )
