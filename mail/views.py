"""The development mail viewer: read what `make run` delivered to the local Maildir."""

from __future__ import annotations

import email
import mailbox
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mail.backends import maildir_path


def _require_viewer() -> mailbox.Maildir:
    if not getattr(settings, "MAIL_VIEWER_ENABLED", False):
        raise Http404
    return mailbox.Maildir(maildir_path(), create=True)


def _parse(raw: mailbox.MaildirMessage) -> EmailMessage:
    return cast(EmailMessage, email.message_from_bytes(raw.as_bytes(), policy=default_policy))


def _summary(key: str, raw: mailbox.MaildirMessage) -> dict[str, Any]:
    parsed = _parse(raw)
    return {
        "key": key,
        "subject": parsed["Subject"],
        "to": parsed["To"],
        "date": parsed["Date"],
        "delivered": raw.get_date(),
    }


def mailbox_list(request: HttpRequest) -> HttpResponse:
    box = _require_viewer()
    messages = sorted(
        (_summary(key, raw) for key, raw in box.iteritems()),
        key=lambda row: row["delivered"],
        reverse=True,
    )
    return render(request, "mail/viewer_list.html", {"mail_messages": messages})


def mailbox_detail(request: HttpRequest, key: str) -> HttpResponse:
    box = _require_viewer()
    try:
        raw = box[key]
    except KeyError as exc:
        raise Http404 from exc
    parsed = _parse(raw)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    return render(
        request,
        "mail/viewer_detail.html",
        {
            "summary": _summary(key, raw),
            "headers": list(parsed.items()),
            "text": text_part.get_content() if text_part else "",
            "html": html_part.get_content() if html_part else "",
        },
    )
