"""Facts about the request that more than one app needs."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers


def client_ip_address(request: HttpRequest) -> str | None:
    """Return the client's address, trusting X-Forwarded-For only as far as our proxies.

    Each trusted proxy appends the address it received the request from, so the client
    is the entry FEJZO_TRUSTED_PROXY_COUNT places from the right; anything further left
    is whatever the client chose to send, and would let it dodge the lockout.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.FEJZO_TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < proxies:
        return remote
    candidate = hops[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


def private_response(response: HttpResponse) -> HttpResponse:
    """Keep a page whose address carries a token out of caches, search engines and referrers.

    Not "no-referrer": the browser would then send `Origin: null` with the page's own
    form, and Django's CSRF check refuses it. Same-origin keeps the token on this site.
    """
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def token_page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a page reached by a link with a token: private, and without Google's script (P7)."""
    return private_response(
        render(request, template, {"ga_measurement_id": "", **(context or {})}, status=status)
    )


def sign_in_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Like login_required, but a visitor who is not signed in gets a 403 page with a link
    to sign in, not a redirect: a page about one person's data answers nobody else
    without their account, and says nothing about whether it exists (P12)."""

    @wraps(view)
    def signed_in_only(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        login_url = f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
        return private_response(
            render(
                request,
                "accounts/sign_in_required.html",
                {"login_url": login_url, "ga_measurement_id": ""},
                status=403,
            )
        )

    return signed_in_only
