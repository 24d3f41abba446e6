"""The catalogue holds no personal data; its look-alike fields say why."""

from catalog.models import Brand, Category, Product, ProductPhoto
from privacy.registry import declare

PRODUCT_NAMES = "A product's or category's name in the catalogue, not a person's."

declare(Brand, fields=[], not_personal={"name": "A manufacturer's name."})
declare(Category, fields=[], not_personal={"name_sq": PRODUCT_NAMES, "name_en": PRODUCT_NAMES})
declare(Product, fields=[], not_personal={"name_sq": PRODUCT_NAMES, "name_en": PRODUCT_NAMES})
# A photo is stored only after core.uploads re-encoded its pixels: whatever its file
# said about the person who took it (GPS position, camera, time, name) is gone.
PHOTO_PIXELS = (
    "A product photo re-encoded on upload, with no EXIF, GPS or other metadata, and "
    "stored under a random name, never the uploaded file's."
)
PHOTO_ALT = "Staff's description of the product in the photo, not of a person."
declare(
    ProductPhoto,
    fields=[],
    not_personal={"image": PHOTO_PIXELS, "alt_sq": PHOTO_ALT, "alt_en": PHOTO_ALT},
)
