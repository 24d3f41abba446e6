"""The tags in a storefront page's head that search engines and link previews read.

{% seo_links %} on every page (base.html), {% product_open_graph %} and
{% product_json_ld %} on the product page. They read the page's address and the
catalogue, never the visitor.
"""

from __future__ import annotations

import json

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.seo import (
    CURRENCY,
    OPEN_GRAPH_LOCALES,
    SITE_NAME,
    absolute_url,
    is_private_path,
    page_links,
    product_share_image,
    product_structured_data,
)

register = template.Library()

NOINDEX = format_html('<meta name="robots" content="{}">', "noindex")
OPEN_GRAPH_DESCRIPTION_LENGTH = 200
# Inside <script>, "</script>" or "<!--" in a product's text would end the element;
# as JSON escapes these characters read the same.
_JSON_IN_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


@register.simple_tag(takes_context=True)
def seo_links(context: template.Context, page: int | None = None, noindex: bool = False) -> str:
    """Name the page's canonical address and its languages, or ask not to be indexed.

    {% seo_links %}; a listing passes its page number, {% seo_links page=3 %}, and a
    page that should not be found in search engines says {% seo_links noindex=True %}.
    Pages about a person (the account, cart, orders, the download) are never indexed.
    """
    request = context.get("request")
    if request is None:
        return ""
    links = None if noindex or is_private_path(request.path) else page_links(request, page=page)
    if links is None:
        return NOINDEX
    canonical = format_html('<link rel="canonical" href="{}">', links.canonical)
    alternates = format_html_join(
        "\n  ", '<link rel="alternate" hreflang="{}" href="{}">', links.alternates
    )
    return format_html("{}\n  {}", canonical, alternates)


def _open_graph_locale() -> str:
    return OPEN_GRAPH_LOCALES.get(get_language() or "sq", OPEN_GRAPH_LOCALES["sq"])


@register.simple_tag
def product_open_graph(product: Product) -> str:
    """The product's card when its address is shared: {% product_open_graph product %}."""
    locale = _open_graph_locale()
    description = product.description.strip() or _(
        "3VFejzo — elektronikë dhe pajisje shtëpiake me dorëzim në gjithë Shqipërinë."
    )
    properties: list[tuple[str, object]] = [
        ("og:site_name", SITE_NAME),
        ("og:type", "product"),
        ("og:title", product.name),
        ("og:description", Truncator(description).chars(OPEN_GRAPH_DESCRIPTION_LENGTH)),
        ("og:url", absolute_url(product.get_absolute_url())),
        ("og:locale", locale),
        *(
            ("og:locale:alternate", other)
            for other in OPEN_GRAPH_LOCALES.values()
            if other != locale
        ),
    ]
    image = product_share_image(product)
    if image:
        properties += [("og:image", image), ("og:image:alt", product.name)]
    properties += [
        ("product:price:amount", product.price),
        ("product:price:currency", CURRENCY),
    ]
    return format_html_join("\n  ", '<meta property="{}" content="{}">', properties)


@register.simple_tag
def product_json_ld(product: Product) -> SafeString:
    """The product's schema.org data, a JSON-LD block: {% product_json_ld product %}.

    A JSON-LD script is data the browser never runs, so the Content-Security-Policy
    (script-src 'self', no inline code) does not apply to it and needs no nonce.
    """
    data = product_structured_data(product, url=absolute_url(product.get_absolute_url()))
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_IN_HTML)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308  (escaped above)
