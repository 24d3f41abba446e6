"""core.uploads.image_clean: type by content, size, pixel bombs, and no metadata left.

P14 (technical safeguards): what a staff member uploads is checked before anything is
stored. P3 (no more data than the policy names): the EXIF of a phone photo (where it
was taken, the device, its owner) never reaches storage or a visitor.
"""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms
from PIL.PngImagePlugin import PngInfo

from core.tests.images import (
    HTML_AS_JPEG,
    METADATA_MARKERS,
    phone_photo_jpeg,
    png_bomb,
    png_bytes,
)
from core.uploads import ImageFormat, UploadRefusal, image_clean


def _upload(
    content: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _refusal(content: bytes, **limits: int) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        image_clean(_upload(content), **limits)
    return refused.value


def test_p14_a_10000_by_10000_png_is_refused_before_decoding_with_a_clear_message() -> None:
    bomb = png_bomb(width=10_000, height=10_000)
    assert len(bomb) < 100_000  # small on the wire, 100 megapixels unpacked

    refusal = _refusal(bomb)

    assert refusal.code == UploadRefusal.TOO_MANY_PIXELS
    message = refusal.messages[0]
    assert "megapiksel" in message and "Zvogëlojeni" in message


def test_p14_an_image_over_our_pixel_limit_names_its_size() -> None:
    refusal = _refusal(png_bytes(width=400, height=300), max_pixels=100_000)

    assert refusal.code == UploadRefusal.TOO_MANY_PIXELS
    assert "400 × 300" in refusal.messages[0]


def test_p14_a_bomb_pillow_itself_flags_is_refused_too() -> None:
    # 20 000 × 20 000 is past Pillow's own hard limit: refused as it opens.
    refusal = _refusal(png_bomb(width=20_000, height=20_000), max_pixels=10**9)

    assert refusal.code == UploadRefusal.TOO_MANY_PIXELS


def test_p14_html_named_jpg_is_refused_by_its_content() -> None:
    refusal = _refusal(HTML_AS_JPEG)

    assert refusal.code == UploadRefusal.NOT_AN_IMAGE
    assert "JPEG, PNG ose WebP" in refusal.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x00\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"%PDF-1.4\n1 0 obj<<>>endobj\n",
    ],
    ids=["gif", "svg", "pdf"],
)
def test_p14_other_types_are_refused_whatever_their_name(content: bytes) -> None:
    assert _refusal(content).code == UploadRefusal.NOT_AN_IMAGE


def test_p14_an_oversize_file_is_refused_with_its_size() -> None:
    refusal = _refusal(phone_photo_jpeg(), max_bytes=10_000)

    assert refusal.code == UploadRefusal.TOO_LARGE
    assert "MB" in refusal.messages[0]


def test_p14_a_file_over_the_default_limit_is_refused_before_it_is_read() -> None:
    class Huge(io.BytesIO):
        size = 11 * 1024 * 1024

        def read(self, *args: object) -> bytes:
            raise AssertionError("the file was read")

    with pytest.raises(ValidationError) as refused:
        image_clean(Huge(b""))

    assert refused.value.code == UploadRefusal.TOO_LARGE


def test_p14_an_empty_file_is_refused() -> None:
    assert _refusal(b"").code == UploadRefusal.EMPTY


def test_p14_a_truncated_jpeg_is_refused_as_damaged() -> None:
    photo = phone_photo_jpeg()

    refusal = _refusal(photo[: len(photo) // 2])

    assert refusal.code == UploadRefusal.DAMAGED


def test_p3_gps_exif_is_stripped_and_the_photo_turned_upright() -> None:
    original = phone_photo_jpeg(width=1200, height=900, orientation=6)
    assert b"Exif" in original

    clean = image_clean(_upload(original))

    assert clean.format is ImageFormat.JPEG
    # Orientation 6 is "turn 90° clockwise": the upright photo is portrait.
    assert (clean.width, clean.height) == (900, 1200)
    reopened = Image.open(io.BytesIO(clean.content))
    assert dict(reopened.getexif()) == {}
    assert reopened.getexif().get_ifd(0x8825) == {}
    assert "exif" not in reopened.info and "xmp" not in reopened.info
    assert [marker for marker in METADATA_MARKERS if marker in clean.content] == []
    # The dark block was on the left; upright it is at the top.
    assert reopened.convert("L").getpixel((450, 50)) < 80
    assert reopened.convert("L").getpixel((450, 1150)) > 180


def test_p3_png_text_chunks_and_colour_profile_are_dropped() -> None:
    image = Image.new("RGB", (320, 240), (10, 200, 30))
    text = PngInfo()
    text.add_text("Author", "Arben Krasniqi")
    text.add_text("Location", "Tirana")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=text, icc_profile=profile)

    clean = image_clean(_upload(buffer.getvalue(), name="photo.png", content_type="image/png"))

    assert clean.format is ImageFormat.PNG
    reopened = Image.open(io.BytesIO(clean.content))
    assert "icc_profile" not in reopened.info
    assert b"Arben" not in clean.content and b"Tirana" not in clean.content
    pixel = reopened.getpixel((10, 10))
    assert isinstance(pixel, tuple) and pixel[:3] == (10, 200, 30)


def test_webp_and_transparent_png_keep_their_type_and_alpha() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (200, 10, 10)).save(buffer, "WEBP")
    webp = image_clean(_upload(buffer.getvalue(), name="x.webp"))
    png = image_clean(_upload(png_bytes(), name="x.png"))

    assert webp.format is ImageFormat.WEBP and (webp.width, webp.height) == (200, 100)
    assert png.format is ImageFormat.PNG
    assert Image.open(io.BytesIO(png.content)).mode == "RGBA"


def test_the_name_is_ignored_a_png_named_jpg_stays_a_png() -> None:
    clean = image_clean(_upload(png_bytes(), name="holiday.jpg"))

    assert clean.format is ImageFormat.PNG
    assert clean.extension == "png"
