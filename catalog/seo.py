"""What search engines and link previews read of the storefront.

robots.txt, the canonical address of a page and its language alternates, and a
product's structured data (schema.org) and Open Graph card. Everything here is built
from the catalogue and the page's address alone: never from the visitor, so nothing
personal can reach a search engine or a shared link.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation

from catalog.images import PRODUCT_PLACEHOLDER, catalog_image_url
from catalog.models import Product
from catalog.photos import photo_mail_url
from catalog.selectors import product_photo_first
from privacy.pages import unlisted_pages

SITE_NAME = "3VFejzo"
CURRENCY = "ALL"
SCHEMA_ORG = "https://schema.org"
OPEN_GRAPH_LOCALES = {"sq": "sq_AL", "en": "en_GB"}
# Formats link previews (Facebook, WhatsApp) show; an SVG goes only to structured data.
RASTER_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp")


@dataclass(frozen=True)
class PageLinks:
    """The canonical address of a page and the same page in each language."""

    canonical: str
    alternates: tuple[tuple[str, str], ...]  # (hreflang, absolute address)


def absolute_url(path: str) -> str:
    """Return ``path`` on the public site (settings.SITE_URL), as search engines see it."""
    return f"{settings.SITE_URL}{path}"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _private_prefix(name: str, kwargs: Mapping[str, str]) -> str:
    """Return the address of a page up to its first argument (a token, a number)."""
    address = reverse(name, kwargs=dict(kwargs))
    if not kwargs:
        return address
    first_argument = min(address.rfind(f"/{value}/") for value in kwargs.values())
    return address[: first_argument + 1]


@functools.lru_cache(maxsize=8)
def _private_prefixes_for(urlconf: str, script_prefix: str) -> tuple[str, ...]:
    found: set[str] = set()
    for language in _languages():
        with translation.override(language):
            found.update(_private_prefix(name, kwargs) for name, kwargs in unlisted_pages())
    # A prefix under another one adds nothing (the download under the account).
    return tuple(
        sorted(
            prefix
            for prefix in found
            if not any(other != prefix and prefix.startswith(other) for other in found)
        )
    )


def private_prefixes() -> tuple[str, ...]:
    """Return the address prefixes of the pages about a person, in every language."""
    return _private_prefixes_for(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def is_private_path(path: str) -> bool:
    """Whether the page at ``path`` is about a person (and so kept out of search engines)."""
    return path.startswith(private_prefixes())


def robots_txt() -> str:
    """Return the text of /robots.txt: the private pages refused, the sitemap named."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {prefix}" for prefix in private_prefixes()]
    lines += ["", f"Sitemap: {absolute_url(reverse('sitemap'))}"]
    return "\n".join(lines) + "\n"


def _with_page(path: str, page: int | None) -> str:
    return f"{path}?page={page}" if page and page > 1 else path


@functools.lru_cache(maxsize=4096)
def _language_paths(
    view_name: str,
    args: tuple[Any, ...],
    kwargs: tuple[tuple[str, Any], ...],
    urlconf: str,
    script_prefix: str,
) -> tuple[tuple[str, str], ...] | None:
    """Return the page's path in each language; remembered, as every page asks again."""
    paths = []
    try:
        for language in _languages():
            with translation.override(language):
                paths.append((language, reverse(view_name, args=args, kwargs=dict(kwargs))))
    except NoReverseMatch:
        return None
    return tuple(paths)


def page_links(request: HttpRequest, *, page: int | None = None) -> PageLinks | None:
    """Return the canonical address and the language alternates of this page.

    The query string is dropped (filters, sorting, campaign tags), except the page
    number of a listing. None when the page has no address of its own to name: an
    address nothing matched, or a view whose URL cannot be reversed.
    """
    match = request.resolver_match
    if match is None or not match.url_name:
        return None
    paths = _language_paths(
        match.view_name,
        tuple(match.args),
        tuple(sorted(match.kwargs.items())),
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    if paths is None:
        return None
    addresses = {language: absolute_url(_with_page(path, page)) for language, path in paths}
    alternates = [*addresses.items(), ("x-default", addresses[settings.LANGUAGE_CODE])]
    # The address as the URLconf writes it in this page's language, whatever spelling
    # of it was asked for.
    canonical = addresses.get(translation.get_language() or "", "") or absolute_url(
        _with_page(request.path, page)
    )
    return PageLinks(canonical=canonical, alternates=tuple(alternates))


def product_image_address(product: Product) -> str | None:
    """Return the absolute address of the product's own picture, None when it has none.

    Its first photo as a JPEG (what every preview and search engine reads), else its
    catalogue icon. The placeholder shown for a product without a picture (or with a
    missing file) is not the product's picture, so it is never offered.
    """
    photo = product_photo_first(product)
    if photo is not None:
        photo_address = photo_mail_url(photo)
        if photo_address:
            return photo_address
    if not product.image or product.image == PRODUCT_PLACEHOLDER:
        return None
    url = catalog_image_url(product.image, placeholder=None)
    return absolute_url(url) if url and url.startswith("/") else url


def product_share_image(product: Product) -> str | None:
    """Return the picture a link preview shows: the product's, if in a raster format."""
    photo = product_photo_first(product)
    if photo is not None and photo_mail_url(photo):
        return photo_mail_url(photo)
    if PurePosixPath(product.image).suffix.lower() not in RASTER_EXTENSIONS:
        return None
    return product_image_address(product)


def product_structured_data(product: Product, *, url: str) -> dict[str, Any]:
    """Return the schema.org Product, with its Offer, for the product page at ``url``.

    Price in whole lekë (VAT included), as the page shows it; availability from stock.
    """
    availability = "InStock" if product.in_stock else "OutOfStock"
    data: dict[str, Any] = {
        "@context": SCHEMA_ORG,
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "brand": {"@type": "Brand", "name": product.brand.name},
        "url": url,
        "offers": {
            "@type": "Offer",
            "url": url,
            "price": product.price,
            "priceCurrency": CURRENCY,
            "availability": f"{SCHEMA_ORG}/{availability}",
            "seller": {"@type": "Organization", "name": SITE_NAME},
        },
    }
    if product.description.strip():
        data["description"] = product.description.strip()
    image = product_image_address(product)
    if image:
        data["image"] = [image]
    return data
