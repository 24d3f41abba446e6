"""The catalogue holds no personal data; its look-alike fields say why."""

from catalog.models import Brand, Category, Product
from privacy.registry import declare

PRODUCT_NAMES = "A product's or category's name in the catalogue, not a person's."

declare(Brand, fields=[], not_personal={"name": "A manufacturer's name."})
declare(Category, fields=[], not_personal={"name_sq": PRODUCT_NAMES, "name_en": PRODUCT_NAMES})
declare(Product, fields=[], not_personal={"name_sq": PRODUCT_NAMES, "name_en": PRODUCT_NAMES})
