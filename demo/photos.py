"""Draw a product photo for each demo product, offline, and add it as staff would.

Each picture is drawn with Pillow from the product's category (a television, a fridge,
a phone…), its brand and its SKU: a soft studio gradient, a shadow, the appliance in
one of a few body colours, the brand's name below. Nothing is downloaded, and the same
product gets the same picture on every run.

The pictures go through the same path as an upload in the back office
(core.uploads.image_clean, then catalog.photos.product_photo_add), so the demo shows
what the pipeline makes. Only the originals are made while seeding; their renditions
are queued for the worker `make run` starts next. Making them here too would take
about three times as long (WebP encoding is the slow part), and pages show the
original until the renditions are ready.
"""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable
from functools import lru_cache

from django.db.models import QuerySet
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from catalog.models import Product
from catalog.photos import product_photo_add
from core.uploads import CleanImage, image_clean

WIDTH, HEIGHT = 800, 600
JPEG_QUALITY = 86

Colour = tuple[int, int, int]
Box = tuple[float, float, float, float]
Drawer = Callable[[Image.Image, ImageDraw.ImageDraw, random.Random, Colour], None]

BODIES: list[Colour] = [(34, 37, 43), (236, 238, 240), (150, 156, 164), (52, 58, 74)]
BACKDROPS: list[tuple[Colour, Colour]] = [
    ((226, 232, 240), (250, 251, 253)),
    ((238, 231, 224), (252, 250, 247)),
    ((224, 236, 233), (249, 252, 251)),
    ((233, 229, 240), (251, 250, 253)),
]
SCREENS: list[tuple[Colour, Colour]] = [
    ((24, 64, 140), (90, 170, 230)),
    ((120, 40, 120), (240, 120, 90)),
    ((10, 90, 80), (120, 210, 170)),
    ((30, 30, 60), (110, 90, 200)),
]
INK: Colour = (27, 31, 36)
CHROME: Colour = (196, 201, 207)


@lru_cache(maxsize=8)
def _gradient(top: Colour, bottom: Colour, size: tuple[int, int]) -> Image.Image:
    ramp = Image.linear_gradient("L").resize(size)
    return ImageOps.colorize(ramp, black=top, white=bottom)


@lru_cache(maxsize=1)
def _shadow() -> Image.Image:
    mask = Image.new("L", (WIDTH, 80), 0)
    ImageDraw.Draw(mask).ellipse((170, 25, 630, 60), fill=110)
    return mask.filter(ImageFilter.GaussianBlur(14))


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _screen(canvas: Image.Image, box: Box, rng: random.Random) -> None:
    """Paste a glowing gradient into ``box``: a screen that is on."""
    left, top, right, bottom = (round(value) for value in box)
    dark, light = rng.choice(SCREENS)
    glow = _gradient(light, dark, (max(1, right - left), max(1, bottom - top)))
    canvas.paste(glow, (left, top))


def _television(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((110, 70, 690, 420), radius=10, fill=INK)
    _screen(canvas, (122, 82, 678, 408), rng)
    draw.polygon([(360, 420), (440, 420), (470, 490), (330, 490)], fill=CHROME)
    draw.rounded_rectangle((280, 486, 520, 500), radius=6, fill=(120, 126, 134))


def _monitor(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((150, 80, 650, 380), radius=8, fill=INK)
    _screen(canvas, (160, 90, 640, 368), rng)
    draw.rectangle((385, 380, 415, 470), fill=CHROME)
    draw.ellipse((300, 460, 500, 500), fill=CHROME)


def _soundbar(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((90, 330, 560, 390), radius=26, fill=body)
    for x in range(120, 540, 14):
        draw.ellipse((x, 352, x + 6, 358), fill=(90, 96, 104))
    draw.rounded_rectangle((590, 200, 720, 500), radius=14, fill=body)
    draw.ellipse((610, 300, 700, 390), fill=(70, 74, 82))
    draw.ellipse((635, 325, 675, 365), fill=(40, 44, 50))


def _headphones(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.arc((220, 80, 580, 440), start=180, end=360, fill=body, width=28)
    draw.line((234, 260, 234, 330), fill=body, width=28)
    draw.line((566, 260, 566, 330), fill=body, width=28)
    for left in (180, 530):
        draw.rounded_rectangle((left, 300, left + 90, 470), radius=40, fill=body)
        draw.rounded_rectangle((left + 18, 320, left + 72, 450), radius=26, fill=(70, 74, 82))


def _phone(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((310, 50, 490, 500), radius=30, fill=body)
    draw.rounded_rectangle((318, 58, 482, 492), radius=24, fill=INK)
    _screen(canvas, (326, 80, 474, 470), rng)
    draw.rounded_rectangle((380, 64, 420, 74), radius=5, fill=(12, 12, 14))


def _tablet(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((200, 70, 600, 490), radius=26, fill=body)
    draw.rounded_rectangle((210, 80, 590, 480), radius=20, fill=INK)
    _screen(canvas, (226, 96, 574, 464), rng)


def _watch(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    strap = rng.choice([(40, 44, 50), (180, 60, 60), (60, 110, 170), (200, 190, 170)])
    draw.rounded_rectangle((340, 40, 460, 520), radius=30, fill=strap)
    draw.rounded_rectangle((300, 170, 500, 390), radius=48, fill=body)
    draw.rounded_rectangle((314, 184, 486, 376), radius=40, fill=INK)
    _screen(canvas, (330, 205, 470, 355), rng)
    draw.rounded_rectangle((498, 240, 512, 290), radius=5, fill=CHROME)


def _laptop(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((190, 90, 610, 380), radius=12, fill=body)
    draw.rectangle((204, 104, 596, 366), fill=INK)
    _screen(canvas, (212, 112, 588, 358), rng)
    draw.polygon([(150, 470), (650, 470), (610, 380), (190, 380)], fill=body)
    draw.polygon([(230, 445), (570, 445), (550, 395), (250, 395)], fill=(70, 74, 82))
    draw.rounded_rectangle((345, 450, 455, 466), radius=4, fill=(120, 126, 134))


def _fridge(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((270, 30, 530, 505), radius=16, fill=body)
    draw.line((272, 200, 528, 200), fill=(110, 116, 124), width=4)
    draw.rounded_rectangle((500, 80, 512, 170), radius=5, fill=CHROME)
    draw.rounded_rectangle((500, 230, 512, 380), radius=5, fill=CHROME)
    draw.rounded_rectangle((300, 90, 350, 130), radius=6, fill=(60, 130, 190))


def _washer(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((230, 60, 570, 500), radius=16, fill=body)
    draw.line((232, 140, 568, 140), fill=(130, 136, 144), width=3)
    draw.ellipse((480, 85, 530, 125), fill=CHROME)
    draw.rounded_rectangle((260, 90, 380, 115), radius=6, fill=INK)
    draw.ellipse((290, 190, 510, 410), fill=CHROME)
    draw.ellipse((310, 210, 490, 390), fill=(62, 88, 112))
    draw.ellipse((330, 230, 450, 330), fill=(92, 128, 158))


def _dishwasher(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((240, 70, 560, 500), radius=12, fill=body)
    draw.rectangle((242, 70, 558, 120), fill=(120, 126, 134))
    draw.rounded_rectangle((330, 140, 470, 156), radius=6, fill=CHROME)
    for x in (270, 300, 330):
        draw.ellipse((x, 88, x + 14, 102), fill=INK)


def _cooker(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((230, 110, 570, 500), radius=10, fill=body)
    draw.rectangle((232, 110, 568, 170), fill=(120, 126, 134))
    for x in (270, 340, 410, 480):
        draw.ellipse((x, 128, x + 28, 156), fill=INK)
    draw.rounded_rectangle((270, 210, 530, 440), radius=12, fill=INK)
    draw.rounded_rectangle((290, 230, 510, 420), radius=8, fill=(66, 44, 36))
    draw.rounded_rectangle((300, 190, 500, 202), radius=5, fill=CHROME)


def _air_conditioner(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((110, 180, 690, 360), radius=40, fill=(244, 245, 247))
    draw.rounded_rectangle((140, 310, 660, 340), radius=12, fill=(200, 204, 210))
    for y in (318, 326):
        draw.line((160, y, 640, y), fill=(160, 166, 172), width=2)
    draw.ellipse((600, 220, 616, 236), fill=(60, 170, 120))


def _kitchen(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.polygon([(300, 150), (500, 150), (530, 470), (270, 470)], fill=body)
    draw.rounded_rectangle((270, 460, 530, 500), radius=10, fill=INK)
    draw.rounded_rectangle((320, 110, 480, 150), radius=12, fill=INK)
    draw.arc((470, 200, 600, 380), start=270, end=90, fill=INK, width=22)
    draw.rectangle((310, 250, 330, 420), fill=(180, 210, 230))


def _coffee(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    draw.rounded_rectangle((260, 80, 540, 500), radius=18, fill=body)
    draw.rectangle((290, 200, 510, 420), fill=INK)
    draw.rounded_rectangle((370, 200, 430, 240), radius=6, fill=CHROME)
    draw.rounded_rectangle((355, 330, 445, 410), radius=10, fill=(246, 246, 246))
    draw.ellipse((360, 322, 440, 342), fill=(92, 58, 36))
    draw.rectangle((290, 420, 510, 440), fill=CHROME)
    draw.ellipse((300, 110, 330, 140), fill=CHROME)


def _vacuum(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    accent = rng.choice([(200, 60, 60), (90, 60, 170), (230, 160, 40)])
    draw.line((400, 60, 400, 420), fill=CHROME, width=18)
    draw.rounded_rectangle((370, 40, 430, 110), radius=20, fill=INK)
    draw.rounded_rectangle((350, 180, 450, 340), radius=40, fill=accent)
    draw.ellipse((365, 200, 435, 270), fill=(200, 220, 236))
    draw.rounded_rectangle((300, 420, 500, 480), radius=18, fill=body)


def _hair_dryer(
    canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour
) -> None:
    accent = rng.choice([(200, 80, 130), (40, 44, 50), (90, 120, 180)])
    draw.rounded_rectangle((200, 140, 560, 290), radius=70, fill=accent)
    draw.rounded_rectangle((540, 170, 620, 260), radius=18, fill=INK)
    draw.rounded_rectangle((330, 260, 410, 500), radius=30, fill=accent)
    draw.ellipse((220, 160, 330, 270), fill=(70, 74, 82))


def _box(canvas: Image.Image, draw: ImageDraw.ImageDraw, rng: random.Random, body: Colour) -> None:
    draw.rounded_rectangle((260, 110, 540, 490), radius=16, fill=body)


DRAWERS: dict[str, Drawer] = {
    "televizore": _television,
    "monitore": _monitor,
    "soundbar-audio": _soundbar,
    "kufje": _headphones,
    "smartfone": _phone,
    "tablete": _tablet,
    "ore-inteligjente": _watch,
    "laptope": _laptop,
    "frigorifere": _fridge,
    "lavatrice": _washer,
    "pjatalarese": _dishwasher,
    "soba-furra": _cooker,
    "kondicionere": _air_conditioner,
    "pajisje-kuzhine": _kitchen,
    "makina-kafeje": _coffee,
    "fshesa-me-korrent": _vacuum,
    "kujdes-personal": _hair_dryer,
}


def demo_photo_draw(*, category: str, brand: str, key: str) -> bytes:
    """Return a JPEG of an appliance of ``category`` by ``brand``; the same for the same key."""
    rng = random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big"))
    top, bottom = rng.choice(BACKDROPS)
    canvas = _gradient(top, bottom, (WIDTH, HEIGHT)).copy()
    canvas.paste((0, 0, 0), (0, 450, WIDTH, 530), _shadow())
    draw = ImageDraw.Draw(canvas)
    DRAWERS.get(category, _box)(canvas, draw, rng, rng.choice(BODIES))
    draw.text((WIDTH / 2, 560), brand, fill=INK, font=_font(34), anchor="mm")
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


@lru_cache(maxsize=1024)
def _demo_photo(*, category: str, brand: str, key: str) -> CleanImage:
    """Draw and clean a product's picture once per process: seeding again, as some test
    fixtures do, stores the same picture without drawing it again."""
    return image_clean(io.BytesIO(demo_photo_draw(category=category, brand=brand, key=key)))


def demo_photos_seed(products: QuerySet[Product]) -> int:
    """Give each of these products without a photo its drawn one; return how many were added.

    Runs in the caller's transaction; the renditions are queued with each photo.
    """
    added = 0
    for product in products.filter(photos__isnull=True).select_related("category", "brand"):
        product_photo_add(
            product=product,
            image=_demo_photo(
                category=product.category.slug, brand=product.brand.name, key=product.sku
            ),
            alt_sq=f"{product.name_sq}, pamje nga para",
            alt_en=f"{product.name_en}, front view",
            actor=None,
        )
        added += 1
    return added
