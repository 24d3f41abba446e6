"""Product photos in pages and mail: the first photo, the gallery's <img>, the mail address.

    {% load catalog_photos %}
    {% product_photos_load products %}            one query for a whole list's first photos
    {% product_photo product as photo %}          the first photo, or None
    {% photo_img photo width=240 sizes="…" %}     an <img> with srcset, width and height
    {% product_mail_image product as image %}     for mail: absolute JPEG address and size

Where a product has no photo the templates show its catalogue icon, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from catalog.models import Product, ProductPhoto
from catalog.photos import photo_box, photo_mail_url, photo_src, photo_srcset
from catalog.selectors import product_photo_first, product_photos_prefetch

register = template.Library()


@register.simple_tag
def product_photos_load(entries: Iterable[Any]) -> str:
    """Fetch the first photos of these products (or of these lines' ``product``) at once."""
    products = [getattr(entry, "product", entry) for entry in entries or ()]
    product_photos_prefetch([product for product in products if isinstance(product, Product)])
    return ""


@register.simple_tag
def product_photo(product: Product | None) -> ProductPhoto | None:
    """Return the product's first photo, None when it has none."""
    return product_photo_first(product) if isinstance(product, Product) else None


@register.inclusion_tag("catalog/_photo_img.html")
def photo_img(
    photo: ProductPhoto,
    *,
    width: int,
    sizes: str,
    alt: str | None = None,
    eager: bool = False,
    css_class: str = "",
) -> dict[str, Any]:
    """Render the photo's <img>: srcset of its renditions, its size shown ``width`` wide
    (so the page keeps its place while it loads), lazy unless ``eager``."""
    shown_width, shown_height = photo_box(photo, width=width)
    return {
        "src": photo_src(photo, width=width),
        "srcset": photo_srcset(photo),
        "sizes": sizes,
        "width": shown_width,
        "height": shown_height,
        "alt": photo.alt if alt is None else alt,
        "eager": eager,
        "css_class": css_class,
    }


@register.simple_tag
def product_mail_image(product: Product | None, width: int = 140) -> dict[str, Any] | None:
    """Return {"url", "width", "height"} of the product's JPEG for mail, None without one."""
    photo = product_photo(product)
    if photo is None:
        return None
    url = photo_mail_url(photo)
    if not url:
        return None
    shown_width, shown_height = photo_box(photo, width=width)
    return {"url": url, "width": shown_width, "height": shown_height}
