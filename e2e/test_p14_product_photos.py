"""Staff upload a phone photo carrying GPS; visitors get a gallery whose files carry no EXIF.

The whole path is the real one (P14, P3): a sales staff member signs in to the back
office with the password and the authenticator's code, adds two photos to a product
page (one straight from a phone: GPS, device and owner in its EXIF, an XMP packet),
the rendition task runs as the worker would, every file the site serves for the
product is fetched over HTTP and opened, and the product page's gallery switches
photos with JavaScript and without it.
"""

from __future__ import annotations

import io
import re
from binascii import unhexlify
from typing import TYPE_CHECKING, Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import Page, expect

from accounts.models import User
from catalog.models import Product, ProductPhoto
from catalog.renditions import photo_files
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from core.testing import run_tasks
from core.tests.images import METADATA_MARKERS, phone_photo_jpeg
from e2e.test_p12_download_journey import PASSWORD_LABEL
from privacy.roles import Role
from staff.tests.factories import StaffFactory

if TYPE_CHECKING:
    from e2e.conftest import PageOpener

pytestmark = pytest.mark.browser

FRONT = "Pamja nga para e televizorit"
BACK = "Pamja nga mbrapa, me portat HDMI"

# The second photo is lazy: its source is chosen only once it starts loading.
LOADED_SOURCE = """img => img.complete && img.currentSrc ? img.currentSrc
    : new Promise(done => img.addEventListener("load", () => done(img.currentSrc), {once: true}))"""


@pytest.fixture
def seller(live_server: Any, settings: Any) -> tuple[User, TOTPDevice]:
    """A sales staff member with an authenticator app; the second factor switched on."""
    settings.FEJZO_STAFF_2FA = True
    staff = StaffFactory(role=Role.SALES, email="shitje@3vfejzo.al")
    return staff, TOTPDevice.objects.create(user=staff, name="Telefoni", confirmed=True)


@pytest.fixture
def television(live_server: Any) -> Product:
    return ProductFactory(
        sku="QE55Q60D",
        slug="samsung-qled-55",
        name_sq='Televizor Samsung QLED 55" Q60D',
        name_en='Samsung QLED 55" Q60D TV',
        price=89_900,
        stock=4,
    )


def sign_in_with_code(page: Page, live_server: Any, staff: User, device: TOTPDevice) -> None:
    page.goto(live_server.url + "/zyra/login/?next=/zyra/")
    form = page.locator("#login-form")
    form.get_by_label(re.compile(r"mail", re.IGNORECASE)).fill(staff.email)
    form.get_by_label(PASSWORD_LABEL).fill(TEST_PASSWORD)
    form.get_by_label("Kodi i verifikimit").fill(f"{totp(unhexlify(device.key)):06d}")
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/zyra/$"))


def plain_photo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (40, 60, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def served(page: Page, address: str) -> bytes:
    response = page.request.get(address)
    assert response.status == 200, address
    return response.body()


def assert_no_metadata(content: bytes) -> None:
    image = Image.open(io.BytesIO(content))
    assert dict(image.getexif()) == {}
    assert image.getexif().get_ifd(0x8825) == {}
    assert "exif" not in image.info and "xmp" not in image.info
    assert [marker for marker in METADATA_MARKERS if marker in content] == []


def shown_slide(page: Page) -> Any:
    """The gallery's photos that the visitor can see (exactly one)."""
    return page.locator(".gallery-slide:visible")


def test_p14_staff_upload_with_gps_is_served_stripped_in_a_gallery_with_and_without_js(
    open_page: PageOpener, live_server: Any, seller: tuple[User, TOTPDevice], television: Product
) -> None:
    staff, device = seller
    office = open_page()
    sign_in_with_code(office, live_server, staff, device)

    # when: the seller adds two photos on the product's page, one straight from a phone
    office.goto(live_server.url + f"/zyra/catalog/product/{television.pk}/change/")
    office.set_input_files(
        "#id_photos-0-upload",
        files=[
            {
                "name": "IMG_20261201_Arben.jpg",
                "mimeType": "image/jpeg",
                "buffer": phone_photo_jpeg(),
            }
        ],
    )
    office.fill("#id_photos-0-alt_sq", FRONT)
    office.fill("#id_photos-0-alt_en", "Front of the TV")
    office.set_input_files(
        "#id_photos-1-upload",
        files=[{"name": "mbrapa.png", "mimeType": "image/png", "buffer": plain_photo_png()}],
    )
    office.fill("#id_photos-1-alt_sq", BACK)
    office.fill("#id_photos-1-position", "1")
    office.locator("input[name=_continue]").click()

    # then: both are stored, in order, and the page shows them back
    expect(office.locator(".messagelist .success")).to_be_visible()
    photos = list(ProductPhoto.objects.filter(product=television))
    assert [photo.alt_sq for photo in photos] == [FRONT, BACK]
    expect(office.locator(f'img[alt="{FRONT}"]')).to_be_visible()

    # when: the worker makes the renditions
    run_tasks()

    # then: every file served for the product carries no EXIF, GPS or XMP
    for photo in photos:
        photo.refresh_from_db()
        assert len(photo.renditions) >= 3
        for name in photo_files(photo):
            assert_no_metadata(served(office, f"{live_server.url}/media/{name}"))

    # when: a visitor with JavaScript opens the product page
    visitor = open_page()
    visitor.goto(live_server.url + television.get_absolute_url())

    # then: the first photo shows, loaded, and a thumbnail shows the second in place
    expect(shown_slide(visitor)).to_have_count(1)
    expect(shown_slide(visitor).locator("img")).to_have_attribute("alt", FRONT)
    assert visitor.locator(".gallery-slide img").first.evaluate("img => img.naturalWidth") > 0
    visitor.get_by_role("link", name=re.compile("Shfaq fotografinë 2")).click()
    expect(shown_slide(visitor).locator("img")).to_have_attribute("alt", BACK)
    assert "#foto-2" not in visitor.url  # the script showed it in place
    expect(visitor.get_by_role("link", name=re.compile("Shfaq fotografinë 2"))).to_have_attribute(
        "aria-current", "true"
    )
    served_image = visitor.locator(".gallery-slide:visible img").evaluate(LOADED_SOURCE)
    assert served_image.endswith(".webp")
    assert_no_metadata(served(visitor, served_image))

    # when: a visitor without JavaScript does the same
    plain = open_page(java_script_enabled=False)
    plain.goto(live_server.url + television.get_absolute_url())

    # then: the thumbnails are links, and CSS shows the photo the address points at
    expect(shown_slide(plain)).to_have_count(1)
    expect(shown_slide(plain).locator("img")).to_have_attribute("alt", FRONT)
    plain.get_by_role("link", name=re.compile("Shfaq fotografinë 2")).click()
    expect(plain).to_have_url(re.compile("#foto-2$"))
    expect(shown_slide(plain).locator("img")).to_have_attribute("alt", BACK)
    plain.get_by_role("link", name=re.compile("Shfaq fotografinë 1")).click()
    expect(shown_slide(plain).locator("img")).to_have_attribute("alt", FRONT)
