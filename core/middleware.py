"""Middleware of the shop as a whole."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Keep every page that may show a person's data out of every cache (P5, P6).

    A response is personal when the request came with a session (a signed-in customer
    or staff member, or a visitor with a cart) or the view gave it one (signing in):
    the account, addresses, orders, access record, erasure and download pages, the
    cart and the checkout, and any page that greets the person by name. Such a
    response gets `Cache-Control: private, no-store`, so that neither a shared cache
    nor the browser's back button keeps it. A view that set its own Cache-Control did
    so deliberately and keeps it. Pages for visitors without a session, the public
    catalogue, stay cacheable.

    Placed right after SessionMiddleware, it sees the session as every inner layer,
    the messages included, left it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Cache-Control") or not self._personal(request):
            return response
        patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _personal(request: HttpRequest) -> bool:
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return True
        session = getattr(request, "session", None)
        # Every page reads the session once (is anyone signed in?); only one that gave
        # this visitor a session, by writing to it, is about them.
        return bool(session is not None and (session.modified or not session.is_empty()))
