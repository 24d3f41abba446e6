"""The back office's product page as the browser posts it, for tests that save through it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from catalog.models import Product

# The product's own fields on its change page, posted as they stand.
PRODUCT_FORM_FIELDS = (
    "sku",
    "slug",
    "name_sq",
    "name_en",
    "description_sq",
    "description_en",
    "price",
    "stock",
    "popularity",
    "image",
)


def product_change_form(
    product: Product,
    *,
    photos: Sequence[dict[str, Any]] = (),
    initial_photos: int = 0,
    specifications: str = "[]",
    **changes: Any,
) -> dict[str, Any]:
    """Return the product page's form with these photo rows (catalog.admin's inline) and
    ``changes`` over what the product holds."""
    data: dict[str, Any] = {name: getattr(product, name) for name in PRODUCT_FORM_FIELDS}
    data.update(
        category=product.category_id,
        brand=product.brand_id,
        is_active="on",
        specifications=specifications,
    )
    data.update(
        {
            "photos-TOTAL_FORMS": str(len(photos)),
            "photos-INITIAL_FORMS": str(initial_photos),
            "photos-MIN_NUM_FORMS": "0",
            "photos-MAX_NUM_FORMS": "12",
        }
    )
    for index, row in enumerate(photos):
        data.update({f"photos-{index}-{key}": value for key, value in row.items()})
    data.update(changes)
    return data
