"""The visitor's browsing history, kept only in their own browser and only with consent (P7).

The history is a signed cookie of product ids, newest first. There is no table behind
it: nothing to purge on the server, nothing to hand to anyone, and reading it costs no
query. Without personalisation consent it is neither read nor written, and withdrawing
consent deletes it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Final

from django.core import signing
from django.http import HttpRequest, HttpResponseBase

from consent.cookies import RECENTLY_VIEWED_COOKIE, CookieCategory
from consent.state import allows

SIGNING_SALT = "personalisation.history"
HISTORY_LENGTH = 12
# The registry (consent.cookies) tells visitors 30 days; keep the two in step.
HISTORY_MAX_AGE = timedelta(days=30)
COOKIE_SAMESITE: Final = "Lax"


def _ids_from_cookie(raw: str) -> list[int]:
    try:
        data = signing.loads(raw, salt=SIGNING_SALT, max_age=HISTORY_MAX_AGE)
    except signing.BadSignature:  # also a signature older than the cookie may live
        return []
    if not isinstance(data, list):
        return []
    ids: list[int] = []
    for value in data:
        # bool is an int too; a cookie we signed never holds one, but be strict.
        valid = isinstance(value, int) and not isinstance(value, bool) and value > 0
        if valid and value not in ids:
            ids.append(value)
    return ids[:HISTORY_LENGTH]


def history_read(request: HttpRequest) -> list[int]:
    """Return the product ids this visitor viewed, newest first; none without consent."""
    if not allows(request, CookieCategory.PERSONALISATION):
        return []
    raw = request.COOKIES.get(RECENTLY_VIEWED_COOKIE, "")
    return _ids_from_cookie(raw) if raw else []


def history_record(request: HttpRequest, response: HttpResponseBase, product_id: int) -> None:
    """Put ``product_id`` first in the visitor's history, if they agreed to personalisation.

    Without that consent nothing is recorded, and a history cookie left over from an
    earlier consent is deleted rather than kept.
    """
    if not allows(request, CookieCategory.PERSONALISATION):
        if request.COOKIES.get(RECENTLY_VIEWED_COOKIE):
            history_forget(response)
        return
    ids = [product_id, *(pk for pk in history_read(request) if pk != product_id)]
    response.set_cookie(
        RECENTLY_VIEWED_COOKIE,
        signing.dumps(ids[:HISTORY_LENGTH], salt=SIGNING_SALT),
        max_age=int(HISTORY_MAX_AGE.total_seconds()),
        secure=request.is_secure(),
        httponly=True,
        samesite=COOKIE_SAMESITE,
    )


def history_forget(response: HttpResponseBase) -> None:
    """Delete the visitor's history from their browser; harmless when there is none."""
    response.delete_cookie(RECENTLY_VIEWED_COOKIE, samesite=COOKIE_SAMESITE)
