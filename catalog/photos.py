"""Product photos: adding, changing and removing them, and what pages and mail show of them.

An upload is checked and stripped by core.uploads.image_clean before this module sees
it, so a refused file is never stored. The cleaned original goes to Django's default
storage under catalog/photos/; its renditions (catalog.renditions) are made by a
background task queued with the photo, and until they are recorded pages show the
original and mail shows it if it is a JPEG.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from catalog.models import PHOTO_FOLDER, Product, ProductPhoto
from catalog.renditions import RenditionFormat, photo_renditions, storage_delete
from catalog.tasks import renditions_schedule
from core.uploads import CleanImage

logger = logging.getLogger(__name__)

# More photos than this per product is a gallery nobody scrolls through.
MAX_PHOTOS_PER_PRODUCT = 12


# What pages and mail show ----------------------------------------------------------------


def photo_url(name: str) -> str:
    return default_storage.url(name)


def photo_srcset(photo: ProductPhoto) -> str:
    """Return the WebP renditions as a srcset; "" while they are not made yet."""
    return ", ".join(
        f"{photo_url(rendition.name)} {rendition.width}w"
        for rendition in photo_renditions(photo, kind=RenditionFormat.WEBP)
    )


def photo_src(photo: ProductPhoto, *, width: int) -> str:
    """Return the address for a browser that ignores srcset: the narrowest WebP at least
    ``width`` wide (else the widest), or the original while there are none."""
    webp = photo_renditions(photo, kind=RenditionFormat.WEBP)
    wide_enough = [rendition for rendition in webp if rendition.width >= width]
    chosen = wide_enough[0] if wide_enough else (webp[-1] if webp else None)
    return photo_url(chosen.name if chosen else photo.image.name)


def photo_box(photo: ProductPhoto, *, width: int) -> tuple[int, int]:
    """Return (width, height) of the photo shown ``width`` wide, its proportions kept."""
    return width, max(1, round(photo.height * width / max(photo.width, 1)))


def photo_mail_url(photo: ProductPhoto) -> str:
    """Return the absolute address of the photo as a JPEG, for mail; "" when there is none.

    Mail clients show JPEG everywhere and WebP not; before the renditions are made,
    the original serves if it is a JPEG.
    """
    jpegs = photo_renditions(photo, kind=RenditionFormat.JPEG)
    if jpegs:
        name = jpegs[-1].name
    elif photo.image.name.lower().endswith((".jpg", ".jpeg")):
        name = photo.image.name
    else:
        return ""
    url = photo_url(name)
    # A storage that serves from elsewhere (S3) already gives a full address.
    return url if "://" in url else f"{settings.SITE_URL}{url}"


# Writes ----------------------------------------------------------------------------------


def _photo_name(product: Product, image: CleanImage) -> str:
    # A random token, never the uploaded name: a file name can carry a person's name,
    # and a new upload gets a new address.
    return f"{PHOTO_FOLDER}{product.pk}/{secrets.token_hex(8)}.{image.extension}"


def product_photo_add(
    *,
    product: Product,
    image: CleanImage,
    alt_sq: str,
    alt_en: str = "",
    position: int = 0,
    actor: Any,
    schedule: Callable[[int], None] = renditions_schedule,
) -> ProductPhoto:
    """Store a cleaned image as a photo of ``product`` and queue its renditions.

    ``image`` comes from core.uploads.image_clean. The file is stored first; if the
    row cannot be written the file is deleted again. The renditions are queued in the
    row's transaction (the database task backend commits both together, so a worker
    never sees the task before the photo); ``schedule`` replaces the queue, e.g. with
    catalog.renditions.photo_renditions_make to make them at once.
    """
    name = default_storage.save(_photo_name(product, image), image.as_file(name="photo"))
    try:
        with transaction.atomic():
            photo = ProductPhoto.objects.create(
                product=product,
                image=name,
                alt_sq=alt_sq,
                alt_en=alt_en,
                position=position,
                width=image.width,
                height=image.height,
            )
            schedule(photo.pk)
    except BaseException:
        storage_delete([name])
        raise
    logger.debug("Photo %s of product %s added by %s.", photo.pk, product.pk, _actor_id(actor))
    return photo


def product_photo_change(
    *, photo: ProductPhoto, alt_sq: str, alt_en: str, position: int, actor: Any
) -> ProductPhoto:
    """Change a photo's descriptions and its place in the gallery.

    Saves (and deletions) of photos move the catalogue revision (catalog.receivers).
    """
    with transaction.atomic():
        photo.alt_sq, photo.alt_en, photo.position = alt_sq, alt_en, position
        photo.save(update_fields=["alt_sq", "alt_en", "position"])
    logger.info("Photo %s changed by %s.", photo.pk, _actor_id(actor))
    return photo


def product_photo_delete(*, photo: ProductPhoto, actor: Any) -> None:
    """Delete a photo; catalog.receivers removes its files once the deletion commits."""
    photo_id = photo.pk
    with transaction.atomic():
        photo.delete()
    logger.info("Photo %s deleted by %s.", photo_id, _actor_id(actor))


def _actor_id(actor: Any) -> int | None:
    return getattr(actor, "pk", None)
