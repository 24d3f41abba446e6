"""Product photos: the back office's upload, the renditions, and what pages and mail show.

P14: an upload is checked before anything is stored, and a refusal stores nothing.
P3: no EXIF (GPS, device, owner) survives in any stored file, original or rendition.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks_db.models import DBTaskResult
from PIL import Image

from accounts.tests.factories import UserFactory
from catalog.models import CatalogRevision, Product, ProductPhoto
from catalog.photos import photo_mail_url, product_photo_add, product_photo_delete
from catalog.renditions import RENDITION_WIDTHS, photo_files, photo_renditions_make
from catalog.tasks import renditions_requeue_stalled
from catalog.tests.admin_forms import product_change_form
from catalog.tests.factories import ProductFactory
from catalog.tests.seo_checks import seo_tags, validate_product_json_ld
from core.testing import run_tasks
from core.tests.images import HTML_AS_JPEG, METADATA_MARKERS, phone_photo_jpeg, png_bomb
from core.uploads import image_clean
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings: Any) -> Iterator[Storage]:
    """A fresh, empty in-memory default storage for each test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    cache.clear()
    yield default_storage
    cache.clear()


def stored_files(storage: Storage, folder: str = "") -> list[str]:
    """Return every file name in the storage, walking it through the storage API."""
    folders, files = storage.listdir(folder)
    names = [f"{folder}{name}" for name in files]
    for sub in folders:
        names += stored_files(storage, f"{folder}{sub}/")
    return sorted(names)


def assert_no_metadata(content: bytes) -> None:
    image = Image.open(io.BytesIO(content))
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "xmp" not in image.info
    assert [marker for marker in METADATA_MARKERS if marker in content] == []


def _upload(content: bytes, name: str = "IMG_20261201_Arben.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def _change_form(
    product: Product, photos: list[dict[str, Any]], initial: int = 0
) -> dict[str, Any]:
    """Return the product page's form as the browser posts it, with these photo rows."""
    return product_change_form(product, photos=photos, initial_photos=initial)


@pytest.fixture
def staff_client(client: Client) -> Client:
    """A sales staff member: may change products, so may change their photos."""
    client.force_login(StaffFactory(role=Role.SALES))
    return client


@pytest.fixture
def product() -> Product:
    return ProductFactory(name_sq="Televizor Samsung 55", slug="samsung-55")


def _add(product: Product, content: bytes | None = None, **fields: Any) -> ProductPhoto:
    image = image_clean(_upload(content or phone_photo_jpeg()))
    return product_photo_add(
        product=product,
        image=image,
        alt_sq=fields.pop("alt_sq", "Pamja nga para"),
        actor=None,
        schedule=lambda photo_id: None,
        **fields,
    )


# The back office -------------------------------------------------------------------------


def test_p3_staff_upload_with_gps_exif_stores_no_exif_in_any_file(
    staff_client: Client, product: Product, storage: Storage
) -> None:
    url = reverse("admin:catalog_product_change", args=[product.pk])
    revision = CatalogRevision.objects.get().number

    response = staff_client.post(
        url,
        _change_form(
            product,
            [
                {
                    "upload": _upload(phone_photo_jpeg()),
                    "alt_sq": "Pamja nga para",
                    "alt_en": "Front",
                }
            ],
        ),
    )

    assert response.status_code == 302, _errors(response)
    photo = ProductPhoto.objects.get(product=product)
    assert (photo.alt_sq, photo.alt_en, photo.position) == ("Pamja nga para", "Front", 0)
    # The stored name is a random token, not the uploaded name (which held a person's name).
    assert re.fullmatch(rf"catalog/photos/{product.pk}/[0-9a-f]{{16}}\.jpg", photo.image.name)
    assert CatalogRevision.objects.get().number > revision
    # The renditions are queued, not made in the request.
    assert photo.renditions == []
    assert (
        DBTaskResult.objects.filter(task_path="catalog.tasks.product_photo_renditions").count() == 1
    )

    run_tasks()

    photo.refresh_from_db()
    assert {(r["format"], r["width"]) for r in photo.renditions} == {
        ("webp", 320),
        ("webp", 640),
        ("webp", 900),
        ("jpeg", 640),
    }
    files = stored_files(storage)
    assert files == sorted(photo_files(photo)) and len(files) == 5
    for name in files:
        with storage.open(name, "rb") as stored:
            assert_no_metadata(stored.read())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (png_bomb(width=10_000, height=10_000), "megapiksel"),
        (HTML_AS_JPEG, "JPEG, PNG ose WebP"),
    ],
    ids=["10000x10000-png", "html-named-jpg"],
)
def test_p14_refused_uploads_show_a_clear_message_and_store_nothing(
    staff_client: Client, product: Product, storage: Storage, content: bytes, message: str
) -> None:
    url = reverse("admin:catalog_product_change", args=[product.pk])

    response = staff_client.post(
        url, _change_form(product, [{"upload": _upload(content, "foto.jpg"), "alt_sq": "Foto"}])
    )

    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert not ProductPhoto.objects.exists()
    assert stored_files(storage) == []
    assert not DBTaskResult.objects.exists()


def test_p14_one_refused_photo_stores_none_of_the_batch(
    staff_client: Client, product: Product, storage: Storage
) -> None:
    url = reverse("admin:catalog_product_change", args=[product.pk])
    rows = [
        {"upload": _upload(phone_photo_jpeg()), "alt_sq": "Pamja nga para"},
        {"upload": _upload(HTML_AS_JPEG, "anash.jpg"), "alt_sq": "Pamja anash"},
    ]

    response = staff_client.post(url, _change_form(product, rows))

    assert response.status_code == 200
    assert not ProductPhoto.objects.exists()
    assert stored_files(storage) == []


def test_p14_a_photo_without_an_albanian_description_is_refused(
    staff_client: Client, product: Product, storage: Storage
) -> None:
    url = reverse("admin:catalog_product_change", args=[product.pk])

    response = staff_client.post(
        url, _change_form(product, [{"upload": _upload(phone_photo_jpeg()), "alt_sq": ""}])
    )

    assert response.status_code == 200
    assert not ProductPhoto.objects.exists()
    assert stored_files(storage) == []


def test_staff_reorder_describe_and_delete_photos(
    staff_client: Client,
    product: Product,
    storage: Storage,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first = _add(product, alt_sq="Para", position=0)
    second = _add(product, alt_sq="Anash", position=1)
    photo_renditions_make(photo_id=second.pk)
    second.refresh_from_db()
    second_files = photo_files(second)
    url = reverse("admin:catalog_product_change", args=[product.pk])
    rows = [
        {"id": first.pk, "product": product.pk, "alt_sq": "Para", "alt_en": "Front", "position": 5},
        {"id": second.pk, "product": product.pk, "alt_sq": "Anash", "position": 1, "DELETE": "on"},
    ]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, _change_form(product, rows, initial=2))

    assert response.status_code == 302, _errors(response)
    first.refresh_from_db()
    assert (first.alt_en, first.position) == ("Front", 5)
    assert not ProductPhoto.objects.filter(pk=second.pk).exists()
    remaining = stored_files(storage)
    assert first.image.name in remaining
    assert not set(second_files) & set(remaining)


def test_staff_add_a_photo_beside_a_stored_one(
    staff_client: Client, product: Product, storage: Storage
) -> None:
    stored = _add(product, alt_sq="Para")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    # The page still posts as multipart when its first row is a stored photo.
    assert 'enctype="multipart/form-data"' in staff_client.get(url).content.decode()
    rows = [
        {"id": stored.pk, "product": product.pk, "alt_sq": "Para", "position": 0},
        {"upload": _upload(phone_photo_jpeg()), "alt_sq": "Anash", "position": 1},
    ]

    response = staff_client.post(url, _change_form(product, rows, initial=1))

    assert response.status_code == 302, _errors(response)
    assert list(product.photos.values_list("alt_sq", flat=True)) == ["Para", "Anash"]
    assert len(stored_files(storage)) == 2


def test_the_product_page_of_the_back_office_shows_the_photos_and_the_picker(
    staff_client: Client, product: Product
) -> None:
    photo = _add(product, alt_sq="Pamja nga para")

    html = staff_client.get(reverse("admin:catalog_product_change", args=[product.pk])).content
    page = html.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
    assert default_storage.url(photo.image.name) in page


def test_staff_who_may_only_view_products_cannot_add_photos(
    client: Client, product: Product, storage: Storage
) -> None:
    client.force_login(StaffFactory(role=Role.CUSTOMER_CARE))
    url = reverse("admin:catalog_product_change", args=[product.pk])

    client.post(
        url, _change_form(product, [{"upload": _upload(phone_photo_jpeg()), "alt_sq": "X"}])
    )

    assert not ProductPhoto.objects.exists()
    assert stored_files(storage) == []


# Renditions ------------------------------------------------------------------------------


def test_renditions_are_made_once_however_often_the_task_runs(
    product: Product, storage: Storage
) -> None:
    photo = _add(product, content=phone_photo_jpeg(width=2000, height=1500, orientation=1))

    assert photo_renditions_make(photo_id=photo.pk) is True
    files = stored_files(storage)
    assert photo_renditions_make(photo_id=photo.pk) is False

    assert stored_files(storage) == files
    photo.refresh_from_db()
    widths = sorted(r["width"] for r in photo.renditions if r["format"] == "webp")
    assert widths == list(RENDITION_WIDTHS)


def test_renditions_of_a_photo_deleted_meanwhile_leave_no_file(
    product: Product, storage: Storage, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _add(product)
    with django_capture_on_commit_callbacks(execute=True):
        product_photo_delete(photo=photo, actor=None)

    assert photo_renditions_make(photo_id=photo.pk) is False
    assert stored_files(storage) == []


def test_a_photo_whose_task_was_lost_is_queued_again(product: Product) -> None:
    photo = _add(product)
    ProductPhoto.objects.filter(pk=photo.pk).update(created_at=timezone.now() - timedelta(hours=1))

    assert renditions_requeue_stalled() == 1

    run_tasks()
    photo.refresh_from_db()
    assert photo.renditions


def test_deleting_a_product_removes_its_photo_files(
    product: Product, storage: Storage, django_capture_on_commit_callbacks: Any
) -> None:
    photo = _add(product)
    photo_renditions_make(photo_id=photo.pk)

    with django_capture_on_commit_callbacks(execute=True):
        product.delete()

    assert stored_files(storage) == []


# Pages -----------------------------------------------------------------------------------


def _imgs(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_product_page_gallery_has_srcset_sizes_and_lazy_loading(
    client: Client, product: Product
) -> None:
    first = _add(product, alt_sq="Pamja nga para", position=0)
    second = _add(product, alt_sq="Pamja nga mbrapa", position=1)
    for photo in (first, second):
        photo_renditions_make(photo_id=photo.pk)

    html = client.get(product.get_absolute_url()).content.decode()

    gallery = html[html.index("product-gallery") : html.index("product-summary")]
    main, other = [tag for tag in _imgs(gallery) if 'width="560"' in tag]
    assert 'alt="Pamja nga para"' in main
    assert re.search(
        r'srcset="[^"]+-320\.webp 320w, [^"]+-640\.webp 640w, [^"]+-900\.webp 900w"', main
    )
    assert 'sizes="(max-width: 760px) 100vw, 560px"' in main
    # 1200 × 900 turned upright is 900 × 1200: shown 560 wide it is 747 high.
    assert 'width="560" height="747"' in main
    assert 'loading="lazy"' not in main and 'decoding="async"' in main
    assert 'loading="lazy"' in other and 'alt="Pamja nga mbrapa"' in other
    assert 'href="#foto-1"' in gallery and 'href="#foto-2"' in gallery
    assert 'id="foto-2"' in gallery
    assert "js/gallery.js" in gallery


def test_before_the_renditions_the_page_shows_the_cleaned_original(
    client: Client, product: Product
) -> None:
    photo = _add(product)

    html = client.get(product.get_absolute_url()).content.decode()

    main = next(tag for tag in _imgs(html) if 'width="560"' in tag)
    assert f'src="{default_storage.url(photo.image.name)}"' in main
    assert "srcset" not in main


def test_a_product_without_photos_shows_its_icon(client: Client, product: Product) -> None:
    html = client.get(product.get_absolute_url()).content.decode()

    assert "product-gallery" not in html
    assert 'src="/static/catalog/img/placeholder.svg"' in html


def test_cards_show_the_first_photo_or_the_icon(client: Client, product: Product) -> None:
    plain = ProductFactory(name_sq="Lavatriçe pa foto")
    photo = _add(product, alt_sq="Para")
    _add(product, alt_sq="Mbrapa", position=3)
    photo_renditions_make(photo_id=photo.pk)

    html = client.get(reverse("catalog:list")).content.decode()

    cards = html.split('<li class="card">')[1:]
    with_photo = next(card for card in cards if product.get_absolute_url() in card)
    without = next(card for card in cards if plain.get_absolute_url() in card)
    tag = _imgs(with_photo)[0]
    assert "320w" in tag and 'loading="lazy"' in tag and 'width="240" height="320"' in tag
    assert "placeholder.svg" in _imgs(without)[0]


def _listing_queries(client: Client) -> list[str]:
    client.get(reverse("catalog:list"))  # the session, the revision row, first-visit work
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("catalog:list")).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_listing_queries_do_not_grow_with_products_or_photos(client: Client) -> None:
    # given a listing without photos
    for _number in range(2):
        ProductFactory()
    without_photos = _listing_queries(client)

    # when there are three times the products, each with two photos
    for number in range(6):
        product = ProductFactory()
        _add(product, alt_sq=f"Foto {number}")
        _add(product, alt_sq=f"Foto tjetër {number}", position=1)
    with_photos = _listing_queries(client)

    # then the listing runs the same queries: the first photos come with the products
    assert len(with_photos) == len(without_photos)
    products_query = next(sql for sql in with_photos if '"catalog_productphoto"' in sql)
    assert '"catalog_product"' in products_query


def test_cart_shows_the_photo(client: Client, product: Product) -> None:
    photo = _add(product)
    photo_renditions_make(photo_id=photo.pk)
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})

    html = client.get(reverse("cart:detail")).content.decode()

    tag = next(tag for tag in _imgs(html) if "cart-thumb" in tag)
    assert ".webp" in tag and 'width="64"' in tag


def test_mail_uses_the_jpeg_at_an_absolute_address(product: Product) -> None:
    photo = _add(product)
    assert photo_mail_url(photo) == f"{settings.SITE_URL}{default_storage.url(photo.image.name)}"

    photo_renditions_make(photo_id=photo.pk)
    photo.refresh_from_db()

    url = photo_mail_url(photo)
    assert url.startswith(f"{settings.SITE_URL}/media/catalog/photos/") and url.endswith("-640.jpg")


def test_a_png_photo_has_no_mail_image_until_its_jpeg_is_made(product: Product) -> None:
    buffer = io.BytesIO()
    Image.new("RGBA", (800, 600), (0, 0, 0, 0)).save(buffer, "PNG")
    photo = _add(product, content=buffer.getvalue())

    assert photo_mail_url(photo) == ""
    photo_renditions_make(photo_id=photo.pk)
    photo.refresh_from_db()
    assert photo_mail_url(photo).endswith("-640.jpg")


# Serving ---------------------------------------------------------------------------------


def test_media_serves_photos_from_storage_and_nothing_else(
    client: Client, product: Product, storage: Storage
) -> None:
    photo = _add(product)
    storage.save("support/cases/1/private.jpg", io.BytesIO(b"private"))

    response = client.get(default_storage.url(photo.image.name))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "immutable" in response["Cache-Control"]
    assert_no_metadata(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert client.get("/media/support/cases/1/private.jpg").status_code == 404
    assert (
        client.get(
            f"/media/catalog/photos/{product.pk}/../../support/cases/1/private.jpg"
        ).status_code
        == 404
    )
    assert client.get("/media/catalog/photos/1/missing.jpg").status_code == 404
    assert client.post(default_storage.url(photo.image.name)).status_code == 405


def test_a_user_who_is_not_staff_reaches_no_upload(client: Client, product: Product) -> None:
    client.force_login(UserFactory())
    url = reverse("admin:catalog_product_change", args=[product.pk])

    client.post(
        url, _change_form(product, [{"upload": _upload(phone_photo_jpeg()), "alt_sq": "X"}])
    )

    assert not ProductPhoto.objects.exists()


def _errors(response: Any) -> str:
    """The form's and the photos' errors, for a failing assertion's message."""
    context = response.context
    if context is None or "adminform" not in context:
        return f"status {response.status_code}"
    formsets = [inline.formset for inline in context["inline_admin_formsets"]]
    return repr(
        [context["adminform"].form.errors]
        + [(formset.errors, formset.non_form_errors()) for formset in formsets]
    )


def test_link_previews_and_search_engines_get_the_photo_as_jpeg(
    client: Client, product: Product
) -> None:
    photo = _add(product)
    photo_renditions_make(photo_id=photo.pk)
    photo.refresh_from_db()
    jpeg = photo_mail_url(photo)
    assert jpeg.startswith(settings.SITE_URL) and jpeg.endswith(".jpg")

    tags = seo_tags(client.get(product.get_absolute_url()).content.decode())

    assert tags.open_graph["og:image"] == [jpeg]
    assert validate_product_json_ld(tags.json_ld[0])["image"] == [jpeg]
