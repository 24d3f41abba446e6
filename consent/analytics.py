"""Google Analytics 4 without personal data (P7): what the pages may tell Google, and when.

Nothing here runs unless ``settings.GA_MEASUREMENT_ID`` is set; unset, the pages carry
no Google code and the CSP names no Google host. Set, the browser still loads gtag.js
only after analytics consent (``static/js/analytics-consent.js``, Consent Mode v2 in
basic mode). The server's share is:

- the page address, title and referrer Google may see: never a query string, and on
  pages about a person (account, orders, checkout, verification, password) or a search
  a fixed address of the section and a generic title, so no order number, token, name
  or search term reaches Google;
- the ecommerce payloads: product ids (SKU), prices, quantities, currency and totals,
  nothing about the buyer; the purchase is named by an opaque keyed hash of the order
  number, never the number;
- the CSP sources Google needs, added to every response only while GA is configured.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, ResolverMatch, resolve, reverse
from django.utils import translation
from django.utils.encoding import iri_to_uri

from privacy.crypto import blind_index
from privacy.pages import PRIVATE_SECTIONS

if TYPE_CHECKING:
    from catalog.models import Product
    from orders.models import Order

CURRENCY = "ALL"
TRANSACTION_PURPOSE = "analytics.transaction"

# The search results page is titled with the query; its address keeps no query string.
SEARCH_VIEWS = {"search:results": "Kërkimi"}
# An address the site does not know may be anything a visitor typed or pasted.
UNKNOWN_PATH = "/404/"
UNKNOWN_TITLE = "404"


@dataclass(frozen=True)
class SafePage:
    """A page as Google may see it: an address without query, and a title to use.

    An empty title means the page's own title (the document's) is safe to send.
    """

    path: str
    title: str = ""


@dataclass(frozen=True)
class AnalyticsPage:
    """What analytics-consent.js sends with the page view, all of it already scrubbed."""

    location: str
    title: str
    referrer: str


def _resolve(path: str) -> tuple[ResolverMatch, str] | None:
    """Resolve ``path`` in whichever language's URLs it belongs to."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    languages = [current, *(code for code, _name in settings.LANGUAGES if code != current)]
    for language in languages:
        with translation.override(language):
            try:
                return resolve(path), language
            except Resolver404:
                continue
    return None


def analytics_safe_page(path: str) -> SafePage:
    """Return the address and title Google may see for the page at ``path`` (no query)."""
    resolved = _resolve(path)
    if resolved is None:
        return SafePage(UNKNOWN_PATH, UNKNOWN_TITLE)
    match, language = resolved
    # Pages about a person (privacy.pages, declared by the apps that serve them): where
    # an address may carry an order number or a token, Google sees the section's fixed
    # address instead; the title is generic, since a page's own may name the person.
    section = PRIVATE_SECTIONS.get(match.namespace)
    if section is not None:
        if match.args or match.kwargs:
            with translation.override(language):
                return SafePage(reverse(section.root), section.title)
        return SafePage(iri_to_uri(path), section.title)
    if match.view_name in SEARCH_VIEWS:
        return SafePage(iri_to_uri(path), SEARCH_VIEWS[match.view_name])
    return SafePage(iri_to_uri(path))


def _origin(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def analytics_safe_referrer(request: HttpRequest) -> str:
    """Return the referrer Google may see: our pages scrubbed, another site's origin only."""
    referrer = request.META.get("HTTP_REFERER", "")
    parts = urlsplit(referrer)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    if parts.netloc == request.get_host():
        return _origin(request) + analytics_safe_page(unquote(parts.path) or "/").path
    return f"{parts.scheme}://{parts.netloc}/"


def analytics_page(request: HttpRequest) -> AnalyticsPage:
    """Return the page view of ``request`` as Google may see it."""
    page = analytics_safe_page(request.path_info)
    return AnalyticsPage(
        location=_origin(request) + page.path,
        title=page.title,
        referrer=analytics_safe_referrer(request),
    )


def analytics_context(request: HttpRequest) -> dict[str, Any]:
    """Give base.html the scrubbed page view, only when GA is configured (no query)."""
    if not settings.GA_MEASUREMENT_ID:
        return {}
    return {"analytics_page": analytics_page(request)}


def analytics_transaction_id(order_number: str) -> str:
    """Return the purchase's id for Google: a keyed hash, useless without our key."""
    return blind_index(order_number, purpose=TRANSACTION_PURPOSE)


def _item(*, sku: str, price: int, quantity: int | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"item_id": sku, "price": price}
    if quantity is not None:
        item["quantity"] = quantity
    return item


def view_item_params(product: Product) -> dict[str, Any]:
    """Return the ``view_item`` event of a product page: its SKU and price, nothing else."""
    return {
        "currency": CURRENCY,
        "value": product.price,
        "items": [_item(sku=product.sku, price=product.price, quantity=1)],
    }


def add_to_cart_params(product: Product) -> dict[str, Any]:
    """Return the ``add_to_cart`` event without its quantity, which the form's field gives."""
    return {"currency": CURRENCY, "items": [_item(sku=product.sku, price=product.price)]}


def purchase_params(order: Order) -> dict[str, Any]:
    """Return the ``purchase`` event: an opaque id, the lines' SKUs, prices and the total."""
    return {
        "transaction_id": analytics_transaction_id(order.number),
        "currency": CURRENCY,
        "value": order.total,
        "items": [
            _item(sku=line.sku, price=line.unit_price, quantity=line.quantity)
            for line in order.lines.all()
        ],
    }


def analytics_json(params: dict[str, Any]) -> str:
    """Serialise a payload for a data-* attribute (the template escapes the quotes)."""
    return json.dumps(params, separators=(",", ":"), sort_keys=True)


class AnalyticsCSPMiddleware:
    """Allow Google's hosts in the CSP, on every response, only while GA is configured.

    The sources are ``settings.GA_CONTENT_SECURITY_POLICY_UPDATE``; django-csp's
    middleware, which must come before this one, adds them to the policy. Read per
    request, so switching GA on or off needs no restart (and tests can flip it).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if settings.GA_MEASUREMENT_ID:
            update: dict[str, list[str]] = {
                directive: list(sources)
                for directive, sources in (getattr(response, "_csp_update", None) or {}).items()
            }
            for directive, sources in settings.GA_CONTENT_SECURITY_POLICY_UPDATE.items():
                update[directive] = [*update.get(directive, []), *sources]
            response._csp_update = update  # type: ignore[attr-defined]
        return response
