"""The resized renditions of a product photo: what they are, how they are made and stored.

WebP at RENDITION_WIDTHS for pages (never wider than the original), and a JPEG at
MAIL_WIDTH for mail, which many mail clients need. Each is drawn from the cleaned
original's pixels and written through Django's default storage (the local folder now,
S3-compatible storage later: only the storage API is used, never a path).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from catalog.models import ProductPhoto
from catalog.services import catalog_revision_bump
from core.uploads import ImageFormat

logger = logging.getLogger(__name__)

RENDITION_WIDTHS = (320, 640, 1280)
MAIL_WIDTH = 640
WEBP_QUALITY = 80
JPEG_QUALITY = 82


class RenditionFormat(StrEnum):
    WEBP = "webp"
    JPEG = "jpeg"

    @property
    def extension(self) -> str:
        return "jpg" if self is RenditionFormat.JPEG else "webp"


@dataclass(frozen=True)
class Rendition:
    """One stored rendition, as recorded in ProductPhoto.renditions."""

    name: str
    width: int
    height: int
    format: RenditionFormat

    def as_record(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "width": self.width,
            "height": self.height,
            "format": self.format.value,
        }


def photo_renditions(photo: ProductPhoto, *, kind: RenditionFormat) -> list[Rendition]:
    """Return the photo's recorded renditions of one format, narrowest first.

    A record that is not the shape this module writes is skipped, not fatal.
    """
    records = photo.renditions if isinstance(photo.renditions, list) else []
    found: list[Rendition] = []
    for record in records:
        try:
            rendition = Rendition(
                name=str(record["name"]),
                width=int(record["width"]),
                height=int(record["height"]),
                format=RenditionFormat(record["format"]),
            )
        except (KeyError, TypeError, ValueError):
            continue
        if rendition.format is kind and rendition.width > 0 and rendition.height > 0:
            found.append(rendition)
    return sorted(found, key=lambda rendition: rendition.width)


def photo_files(photo: ProductPhoto) -> list[str]:
    """Return the storage names of the photo's original and renditions."""
    names = [photo.image.name] if photo.image.name else []
    return names + [
        rendition.name
        for kind in RenditionFormat
        for rendition in photo_renditions(photo, kind=kind)
    ]


def storage_delete(names: list[str]) -> None:
    """Delete these files from storage; one that cannot be deleted is logged, not fatal."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored photo file %s.", name, exc_info=True)


def photo_files_delete_on_commit(photo: ProductPhoto) -> None:
    """Delete the photo's files once the current transaction commits (never on rollback)."""
    names = photo_files(photo)
    transaction.on_commit(lambda: storage_delete(names))


def _rendition_widths(original_width: int) -> list[int]:
    """The WebP widths to make: never wider than the original, always at least one."""
    widths = {width for width in RENDITION_WIDTHS if width < original_width}
    widths.add(min(original_width, RENDITION_WIDTHS[-1]))
    return sorted(widths)


def _resized(image: Image.Image, width: int) -> Image.Image:
    if width == image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encoded(image: Image.Image, kind: RenditionFormat) -> bytes:
    buffer = io.BytesIO()
    if kind is RenditionFormat.JPEG:
        flat = image
        if image.mode == "RGBA":
            # JPEG has no transparency: show it on white, as the cards are.
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
        flat.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, progressive=True)
    else:
        image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4)
    return buffer.getvalue()


def renditions_render(original: bytes) -> list[tuple[int, int, RenditionFormat, bytes]]:
    """Return (width, height, format, content) of every rendition of a cleaned original.

    The original already went through core.uploads.image_clean; each rendition is
    encoded from a new image of its pixels, so nothing but pixels reaches these files.
    """
    with Image.open(io.BytesIO(original), formats=[kind.value for kind in ImageFormat]) as opened:
        opened.load()
        pixels = opened.convert("RGBA" if opened.mode in ("RGBA", "LA") else "RGB")
    made: list[tuple[int, int, RenditionFormat, bytes]] = []
    for width in _rendition_widths(pixels.width):
        resized = _resized(pixels, width)
        content = _encoded(resized, RenditionFormat.WEBP)
        made.append((resized.width, resized.height, RenditionFormat.WEBP, content))
    mail = _resized(pixels, min(MAIL_WIDTH, pixels.width))
    made.append(
        (mail.width, mail.height, RenditionFormat.JPEG, _encoded(mail, RenditionFormat.JPEG))
    )
    return made


def photo_renditions_make(*, photo_id: int) -> bool:
    """Make and record the renditions of one photo; True if this call made them.

    Idempotent: a photo that has its renditions, or is gone, is left alone. The files
    are written before the row is updated; if the photo was deleted meanwhile (or
    another run recorded its own first) they are removed again, so no file is left
    without a row.
    """
    photo = ProductPhoto.objects.filter(pk=photo_id).first()
    if photo is None or photo.renditions:
        return False
    with default_storage.open(photo.image.name, "rb") as stored:
        original = stored.read()
    stem = photo.image.name.rsplit(".", 1)[0]
    written: list[Rendition] = []
    try:
        for width, height, kind, content in renditions_render(original):
            name = default_storage.save(f"{stem}-{width}.{kind.extension}", ContentFile(content))
            written.append(Rendition(name=name, width=width, height=height, format=kind))
        with transaction.atomic():
            updated = ProductPhoto.objects.filter(pk=photo_id, renditions=[]).update(
                renditions=[rendition.as_record() for rendition in written]
            )
            if updated:
                catalog_revision_bump()
    except BaseException:
        storage_delete([rendition.name for rendition in written])
        raise
    if not updated:
        storage_delete([rendition.name for rendition in written])
        return False
    return True
