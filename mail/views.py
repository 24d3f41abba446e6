"""The development mail viewer: read what `make run` delivered to the local Maildir."""

from __future__ import annotations

import email
import mailbox
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any, cast

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

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


def _message(key: str) -> tuple[mailbox.MaildirMessage, EmailMessage]:
    box = _require_viewer()
    try:
        raw = box[key]
    except KeyError as exc:
        raise Http404 from exc
    return raw, _parse(raw)


def mailbox_detail(request: HttpRequest, key: str) -> HttpResponse:
    raw, parsed = _message(key)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    return render(
        request,
        "mail/viewer_detail.html",
        {
            "summary": _summary(key, raw),
            "headers": list(parsed.items()),
            "text": text_part.get_content() if text_part else "",
            "has_html": html_part is not None,
        },
    )


# Mail clients ignore style sheets, so our mail is styled inline; a page showing it
# framed inside the site's own page would inherit the site's CSP and lose every style.
# It is served on its own instead: development only, sandboxed (no script, no
# same-origin access), framed only by the viewer, and the sole response allowed
# inline styles. (django-csp types its decorators for views that take the request only.)
@xframe_options_sameorigin
@csp_replace(  # type: ignore[arg-type]
    {
        "default-src": [NONE],
        "script-src": [NONE],
        "style-src": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [SELF],
        "sandbox": [True],
    }
)
def mailbox_html(request: HttpRequest, key: str) -> HttpResponse:
    """Return the HTML part of a delivered message as a page of its own, for the viewer's frame."""
    _raw, parsed = _message(key)
    html_part = parsed.get_body(preferencelist=("html",))
    if html_part is None:
        raise Http404
    return HttpResponse(html_part.get_content(), content_type="text/html; charset=utf-8")
