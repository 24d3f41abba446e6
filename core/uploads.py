"""Safe image uploads: check a file someone sent, and keep only its pixels.

`image_clean` takes an uploaded file and returns a `CleanImage` ready to store, or
raises ValidationError with a message in the user's language. It checks, in this
order and before anything is written anywhere:

- the size in bytes (`max_bytes`);
- the type, by the content and never by the name: only what Pillow recognises as
  JPEG, PNG or WebP passes, so HTML or a script named `.jpg` is refused;
- the size in pixels, read from the header before any pixel is decoded (`max_pixels`),
  so a small file that would unpack into gigabytes (a decompression bomb) is refused,
  as is anything Pillow itself flags as a bomb;
- that the pixels decode (a damaged or truncated file is refused).

Then it turns the picture upright (the EXIF orientation) and encodes its pixels anew
into a fresh image. Nothing else of the file survives: no EXIF, XMP, IPTC, comments
or text chunks, no ICC profile (colours are converted to sRGB first). EXIF in a phone
photo holds the place it was taken (GPS), the time, the device and its serial number,
sometimes the owner's name: personal data about whoever took the photo, which the
shop has no purpose for (P3: no more data than the policy names) and which would be
published with every copy served (P14). Stripping it at the door means no later
step can leak it.

The module knows nothing of products: catalogue photos use it, and any other upload
of pictures (a support case's photos) can use it as it is.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
JPEG_QUALITY = 90
WEBP_QUALITY = 90


class ImageFormat(StrEnum):
    """The picture types an upload may be, by Pillow's name for each."""

    JPEG = "JPEG"
    PNG = "PNG"
    WEBP = "WEBP"

    @property
    def extension(self) -> str:
        return {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[self.value]

    @property
    def content_type(self) -> str:
        return f"image/{self.value.lower()}"


class UploadRefusal(StrEnum):
    """Why an upload was refused: the ValidationError's code."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    NOT_AN_IMAGE = "not_an_image"
    TOO_MANY_PIXELS = "too_many_pixels"
    DAMAGED = "damaged"


ACCEPTED_FORMATS = tuple(ImageFormat)
# For a file input's `accept`: a hint to the browser's picker, not a check.
ACCEPT_ATTRIBUTE = ",".join(kind.content_type for kind in ACCEPTED_FORMATS)


@dataclass(frozen=True)
class CleanImage:
    """An image re-encoded from its pixels alone, with its type and size."""

    content: bytes
    format: ImageFormat
    width: int
    height: int

    @property
    def extension(self) -> str:
        return self.format.extension

    def as_file(self, name: str) -> ContentFile[bytes]:
        """Return the content as a file to hand to a storage's save()."""
        return ContentFile(self.content, name=name)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _read_limited(upload: IO[bytes], *, max_bytes: int) -> bytes:
    """Read at most one byte past the limit: enough to know the file is too big."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > max_bytes:
        raise _too_large(size, max_bytes)
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    if not data:
        raise ValidationError(_("Skedari është bosh."), code=UploadRefusal.EMPTY)
    return data


def _too_large(size: int, max_bytes: int) -> ValidationError:
    return ValidationError(
        _("Skedari është %(size)s MB; lejohen deri në %(limit)s MB. Zvogëlojeni fotografinë."),
        code=UploadRefusal.TOO_LARGE,
        params={"size": _megabytes(size), "limit": _megabytes(max_bytes)},
    )


def _not_an_image() -> ValidationError:
    return ValidationError(
        _(
            "Skedari nuk është fotografi JPEG, PNG ose WebP (kontrollohet përmbajtja, "
            "jo emri i skedarit). Zgjidhni një fotografi të vërtetë."
        ),
        code=UploadRefusal.NOT_AN_IMAGE,
    )


def _too_many_pixels(width: int, height: int, max_pixels: int) -> ValidationError:
    if not width or not height:
        # Pillow refused it as a bomb before telling its size.
        return ValidationError(
            _(
                "Fotografia ka më shumë se %(limit)s megapiksel që lejohen. Zvogëlojeni "
                "dhe ngarkojeni përsëri."
            ),
            code=UploadRefusal.TOO_MANY_PIXELS,
            params={"limit": max_pixels // 1_000_000},
        )
    return ValidationError(
        _(
            "Fotografia është %(width)s × %(height)s piksel, më shumë se %(limit)s "
            "megapiksel që lejohen. Zvogëlojeni dhe ngarkojeni përsëri."
        ),
        code=UploadRefusal.TOO_MANY_PIXELS,
        params={"width": width, "height": height, "limit": max_pixels // 1_000_000},
    )


def _damaged() -> ValidationError:
    return ValidationError(
        _("Fotografia është e dëmtuar ose e paplotë dhe nuk lexohet. Provoni një kopje tjetër."),
        code=UploadRefusal.DAMAGED,
    )


def _open(data: bytes, *, max_pixels: int) -> tuple[Image.Image, ImageFormat]:
    """Identify the picture by its content and check its size; decode no pixel yet."""
    with warnings.catch_warnings():
        # Pillow warns of a likely bomb and refuses a certain one; both are refusals here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=[kind.value for kind in ACCEPTED_FORMATS])
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
            logger.info("Upload refused as a decompression bomb: %s", bomb)
            raise _too_many_pixels(0, 0, max_pixels) from bomb
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
            raise _not_an_image() from error
    width, height = image.size
    if width <= 0 or height <= 0:
        raise _damaged()
    if width * height > max_pixels:
        raise _too_many_pixels(width, height, max_pixels)
    if image.format not in ACCEPTED_FORMATS:
        raise _not_an_image()
    return image, ImageFormat(image.format)


def _decode(image: Image.Image, *, max_pixels: int) -> Image.Image:
    """Decode the first frame, upright, in RGB or RGBA, in sRGB."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image) or image
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as bomb:
            raise _too_many_pixels(*image.size, max_pixels) from bomb
        except (OSError, SyntaxError, ValueError, EOFError, KeyError) as error:
            raise _damaged() from error
    return _to_srgb(upright)


def _to_srgb(image: Image.Image) -> Image.Image:
    """Return the pixels in RGB (or RGBA where there is transparency), converted to sRGB."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    mode = "RGBA" if has_alpha else "RGB"
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
            )
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            # A broken profile: keep the pixels as they are, and drop the profile below.
            logger.info("Upload's colour profile could not be applied; dropped it.")
    return image.convert(mode)


def _encode(pixels: Image.Image, kind: ImageFormat) -> bytes:
    """Encode the pixels alone, from a fresh image that carries no metadata at all."""
    fresh = Image.new(pixels.mode, pixels.size)
    fresh.paste(pixels)
    if kind is ImageFormat.JPEG and fresh.mode != "RGB":
        fresh = fresh.convert("RGB")
    buffer = io.BytesIO()
    if kind is ImageFormat.JPEG:
        fresh.save(buffer, "JPEG", quality=JPEG_QUALITY)
    elif kind is ImageFormat.PNG:
        fresh.save(buffer, "PNG", optimize=False)
    else:
        fresh.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return buffer.getvalue()


def image_clean(
    upload: IO[bytes],
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_PIXELS,
) -> CleanImage:
    """Return the upload's pixels re-encoded in its own type, or raise ValidationError.

    Reads the file and writes nothing: the caller stores the result, so a refusal
    leaves nothing behind.
    """
    data = _read_limited(upload, max_bytes=max_bytes)
    image, kind = _open(data, max_pixels=max_pixels)
    pixels = _decode(image, max_pixels=max_pixels)
    content = _encode(pixels, kind)
    return CleanImage(content=content, format=kind, width=pixels.width, height=pixels.height)
