"""The one-time notice of a new version, and acceptance by the next use (P2).

A signed-in customer who has not accepted the version in force sees a notice on the
next page they open: what changed, in the officer's words, and a link to the
difference. The notice is shown once. Dismissing it, or opening any other page of the
shop after it, is recorded as acceptance of that version, with how and when the notice
was shown. Reading the policy pages (the text, the archive, the difference) is not
using the shop, so it neither shows the notice nor counts as acceptance.

What the session keeps: the versions this session knows are accepted (so a page view
costs no query once they are), and the notice shown with its moment.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from policy.models import AcceptanceMethod, DocumentKind, PolicyVersion
from policy.rendering import format_document_date
from policy.selectors import policy_current_versions
from policy.services import policy_versions_accept

ACCEPTED_SESSION_KEY = "policy.accepted"
NOTICE_SESSION_KEY = "policy.notice"
# Pages that are not use of the shop: reading the policy, the back office, the rights
# (a person leaving over the change must not be recorded as accepting it), signing out.
NOT_USE_NAMESPACES = frozenset({"policy", "admin", "rights"})
NOT_USE_VIEWS = frozenset({"accounts:logout"})
DOCUMENT_SLUGS = {DocumentKind.PRIVACY: "privatesia", DocumentKind.TERMS: "kushtet"}


@dataclass(frozen=True)
class NoticeItem:
    kind: str
    version: int
    title: str
    summary: str
    effective_date: str
    effective_iso: str
    diff_url: str


def diff_url(*, kind: str, old: int, new: int) -> str:
    """Return the address of the difference between two versions of a document."""
    params: dict[str, str | int] = {
        "dokumenti": DOCUMENT_SLUGS[DocumentKind(kind)],
        "nga": old,
        "deri": new,
    }
    query = urlencode(params)
    return f"{reverse('policy:compare')}?{query}"


def notice_items(versions: list[PolicyVersion], *, language: str) -> list[NoticeItem]:
    """Return what the notice says of each version, in the reader's language where written."""
    translated = {
        (row.kind, row.version): row
        for row in PolicyVersion.objects.filter(
            language=language, version__in=[v.version for v in versions]
        )
        if language != "sq"
    }
    items = []
    for version in versions:
        shown = translated.get((version.kind, version.version), version)
        items.append(
            NoticeItem(
                kind=version.kind,
                version=version.version,
                title=shown.title,
                summary=shown.summary or version.summary,
                effective_date=format_document_date(version.effective_date, language=language),
                effective_iso=version.effective_date.isoformat(),
                diff_url=diff_url(kind=version.kind, old=version.version - 1, new=version.version),
            )
        )
    return items


def is_use(request: HttpRequest) -> bool:
    """Whether this request is the person using the shop: a page they opened or a form
    they sent, not a script's background call, nor a page of the policy itself."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_staff:
        return False
    mode = request.META.get("HTTP_SEC_FETCH_MODE")
    if mode is not None and mode != "navigate":
        return False
    match = request.resolver_match
    return (
        match is not None
        and not (set(match.namespaces) & NOT_USE_NAMESPACES)
        and match.view_name not in NOT_USE_VIEWS
    )


def all_accepted(session: Any, current: dict[str, int]) -> bool:
    known = session.get(ACCEPTED_SESSION_KEY) or {}
    return all(version <= 1 or known.get(kind, 0) >= version for kind, version in current.items())


def remember_accepted(session: Any, current: dict[str, int]) -> None:
    session[ACCEPTED_SESSION_KEY] = dict(current)


def notice_shown_at(session: Any) -> datetime.datetime | None:
    shown = session.get(NOTICE_SESSION_KEY) or {}
    moment = shown.get("at")
    return datetime.datetime.fromisoformat(moment) if moment else None


def notice_forget(session: Any) -> None:
    session.pop(NOTICE_SESSION_KEY, None)


def notice_accept(
    request: HttpRequest, versions: list[PolicyVersion], *, method: AcceptanceMethod
) -> None:
    """Record the person's acceptance of these versions, and forget the notice."""
    policy_versions_accept(
        user=request.user,  # type: ignore[arg-type]
        versions=versions,
        method=method,
        language=get_language() or "sq",
        notice_shown_at=notice_shown_at(request.session),
    )
    notice_forget(request.session)
    remember_accepted(request.session, policy_current_versions())


def was_shown(session: Any, due: list[PolicyVersion]) -> bool:
    shown = (session.get(NOTICE_SESSION_KEY) or {}).get("versions") or {}
    return all(shown.get(version.kind) == version.version for version in due)
