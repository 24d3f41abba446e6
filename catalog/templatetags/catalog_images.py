"""The image addresses catalogue pages and mails show, falling back to the placeholder."""

from __future__ import annotations

from django import template

from catalog.images import PRODUCT_PLACEHOLDER, catalog_image_url
from catalog.models import Category, Product

register = template.Library()


@register.simple_tag
def product_image_url(product: Product) -> str:
    """Return the product's image address: {% product_image_url product %}."""
    return catalog_image_url(product.image, placeholder=PRODUCT_PLACEHOLDER) or ""


@register.simple_tag
def category_image_url(category: Category) -> str:
    """Return the category's image address, "" when it has none to show.

    {% category_image_url category as image_url %}{% if image_url %}<img …>{% endif %}
    """
    return catalog_image_url(category.image, placeholder=None) or ""
