"""Ecommerce data for Google Analytics, as data-* attributes (P7; see consent.analytics).

Each tag renders nothing unless GA is configured. The data sits in attributes, not in
a script, so the strict CSP needs no exception; analytics-consent.js reads them only
after analytics consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString

from consent.analytics import (
    add_to_cart_params,
    analytics_json,
    purchase_params,
    view_item_params,
)

if TYPE_CHECKING:
    from catalog.models import Product
    from orders.models import Order

register = template.Library()
EVENT_ELEMENT = '<div hidden data-analytics-event="{}" data-analytics-params="{}"></div>'


@register.simple_tag
def analytics_view_item(product: Product) -> SafeString:
    """Render the product page's ``view_item`` event."""
    if not settings.GA_MEASUREMENT_ID:
        return SafeString("")
    return format_html(EVENT_ELEMENT, "view_item", analytics_json(view_item_params(product)))


@register.simple_tag
def analytics_purchase(order: Order) -> SafeString:
    """Render the confirmation page's ``purchase`` event."""
    if not settings.GA_MEASUREMENT_ID:
        return SafeString("")
    return format_html(EVENT_ELEMENT, "purchase", analytics_json(purchase_params(order)))


@register.simple_tag
def analytics_add_to_cart(product: Product) -> SafeString:
    """Render the add-to-cart form's attribute; the script adds the quantity on submit."""
    if not settings.GA_MEASUREMENT_ID:
        return SafeString("")
    return format_html(
        ' data-analytics-add-to-cart="{}"', analytics_json(add_to_cart_params(product))
    )
