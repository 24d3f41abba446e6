"""Turn a campaign into mail: rendered once per language, then filled in per recipient.

Markdown becomes sanitised HTML (nh3) inside the shop's mail layout, with styles
inlined (css-inline) because many mail clients drop <style>; the plain-text part is
the Markdown itself, which reads well as text. Per recipient only the address and the
personal links change, so each message is assembled from the pre-rendered parts in
microseconds instead of re-running the template engine and the MIME generator.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from email.header import Header
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.markdown import (
    PREFERENCES_SLOT,
    UNSUBSCRIBE_SLOT,
    markdown_to_html,
)
from campaigns.models import Campaign, CampaignKind
from subscriptions.models import Topic

CRLF = "\r\n"


@dataclass(frozen=True)
class RenderedCampaign:
    """One language's message, with slots for the recipient's own links."""

    language: str
    subject: str
    text: str
    html: str


def _languages(campaign: Campaign) -> list[str]:
    return ["sq", "en"] if campaign.subject_en.strip() and campaign.body_en.strip() else ["sq"]


def campaign_language_for(campaign: Campaign, language: str) -> str:
    """The language a recipient gets: theirs if the campaign was written in it, else Albanian."""
    return language if language in _languages(campaign) else "sq"


def render_campaign(campaign: Campaign, language: str) -> RenderedCampaign:
    language = campaign_language_for(campaign, language)
    subject = campaign.subject_en if language == "en" else campaign.subject_sq
    body = campaign.body_en if language == "en" else campaign.body_sq
    products = list(campaign.products.filter(is_active=True).order_by("pk"))
    context = {
        "language": language,
        "subject": subject,
        "body_html": markdown_to_html(body),
        "body_text": body.strip(),
        "products": products,
        "topic_label": Topic(campaign.topic).label,
        "unsubscribe_url": UNSUBSCRIBE_SLOT,
        "preferences_url": PREFERENCES_SLOT,
        "SITE_URL": settings.SITE_URL,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
    }
    # A service notice says why every customer gets it, and offers no unsubscribe.
    body = "service_notice/body" if campaign.kind == CampaignKind.SERVICE_NOTICE else "body"
    with translation.override(language):
        context["topic_label"] = str(Topic(campaign.topic).label)
        html = render_to_string(f"campaigns/mail/{body}.html", context)
        text = render_to_string(f"campaigns/mail/{body}.txt", context)
    inlined = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(
        html
    )
    return RenderedCampaign(language=language, subject=subject, text=text, html=inlined)


_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def _base64_lines(text: str) -> bytes:
    # RFC 2045 lines of 76 characters, CRLF-terminated as SMTP wants them.
    return base64.encodebytes(text.encode()).replace(b"\n", b"\r\n")


def _crlf(text: str) -> str:
    return _LINE_BREAKS.sub("\r\n", text)


@dataclass(frozen=True)
class MessageParts:
    """The bytes of a message that are the same for every recipient, prepared once."""

    language: str
    from_address: str
    envelope_from: str
    headers: bytes
    text: str
    html: str
    list_id: str


def message_parts(rendered: RenderedCampaign, campaign: Campaign) -> MessageParts:
    from_address = settings.DEFAULT_FROM_EMAIL
    name, address = parseaddr(from_address)
    subject = Header(rendered.subject, "utf-8").encode(linesep="\r\n")
    with translation.override(rendered.language):
        topic_label = str(Topic(campaign.topic).label)
    list_id = f"{Header(topic_label, 'utf-8').encode(linesep=CRLF)} <{campaign.topic}.3vfejzo.al>"
    # A service notice is no mailing list: nothing to unsubscribe from (P2).
    marketing = campaign.kind != CampaignKind.SERVICE_NOTICE
    headers = "\r\n".join(
        [
            f"From: {formataddr((Header(name, 'utf-8').encode(linesep=CRLF), address))}",
            f"Subject: {subject}",
            f"Reply-To: {settings.CONTACT_EMAIL}",
            *([f"List-Id: {list_id}"] if marketing else []),
            *(["List-Unsubscribe-Post: List-Unsubscribe=One-Click"] if marketing else []),
            f"Content-Language: {rendered.language}",
            "Precedence: bulk",
            "MIME-Version: 1.0",
        ]
    )
    return MessageParts(
        language=rendered.language,
        from_address=from_address,
        envelope_from=address,
        headers=headers.encode(),
        text=_crlf(rendered.text),
        html=_crlf(rendered.html),
        list_id=list_id,
    )


def fill_links(text: str, *, unsubscribe_url: str, preferences_url: str) -> str:
    """Put one recipient's own links into the slots the campaign was rendered with."""
    return text.replace(UNSUBSCRIBE_SLOT, unsubscribe_url).replace(
        PREFERENCES_SLOT, preferences_url
    )


def ascii_address(address: str) -> str:
    """The address with its domain in IDNA form, as headers and SMTP without SMTPUTF8 need."""
    local, _at, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def message_bytes(
    parts: MessageParts,
    *,
    to_address: str,
    message_id: str,
    unsubscribe_url: str | None,
    preferences_url: str,
) -> bytes:
    """Assemble one recipient's multipart/alternative message (text and HTML, base64).

    Without `unsubscribe_url` (a service notice) there is no List-Unsubscribe header.
    """
    boundary = f"=_fejzo_{message_id.strip('<>').split('@')[0]}"
    text = fill_links(
        parts.text, unsubscribe_url=unsubscribe_url or "", preferences_url=preferences_url
    )
    html = fill_links(
        parts.html, unsubscribe_url=unsubscribe_url or "", preferences_url=preferences_url
    )
    unsubscribe = f"List-Unsubscribe: <{unsubscribe_url}>\r\n" if unsubscribe_url else ""
    head = (
        f"To: {ascii_address(to_address)}\r\n"
        f"Date: {format_datetime(timezone.now())}\r\n"
        f"Message-ID: {message_id}\r\n"
        f"{unsubscribe}"
        f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
    ).encode()
    part_head = (
        "--{b}\r\nContent-Type: text/{t}; charset=utf-8\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return b"".join(
        [
            parts.headers,
            b"\r\n",
            head,
            b"\r\n",
            part_head.format(b=boundary, t="plain").encode(),
            _base64_lines(text),
            part_head.format(b=boundary, t="html").encode(),
            _base64_lines(html),
            f"--{boundary}--\r\n".encode(),
        ]
    )


def campaign_message_id(delivery_id: int) -> str:
    """Fixed per (campaign, recipient): a retried send is recognisably the same message."""
    return f"<campaign.{delivery_id}@3vfejzo.al>"


def new_test_message_id() -> str:
    return make_msgid(domain="3vfejzo.al")


def preview_urls(language: str) -> tuple[str, str]:
    """Links shown in a preview: the pages exist but the token names nobody."""
    with translation.override(language):
        unsubscribe = reverse("subscriptions:unsubscribe", args=["preview"])
        preferences = reverse("subscriptions:preferences", args=["preview"])
    return f"{settings.SITE_URL}{unsubscribe}", f"{settings.SITE_URL}{preferences}"
