"""The demo catalogue's drawn photos: offline, deterministic, through the upload pipeline."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import Storage, default_storage
from django_tasks_db.models import DBTaskResult
from PIL import Image

from catalog.models import Product, ProductPhoto
from catalog.tests.factories import BrandFactory, CategoryFactory, ProductFactory
from core.testing import run_tasks
from core.uploads import image_clean
from demo.photos import DRAWERS, HEIGHT, WIDTH, demo_photo_draw, demo_photos_seed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage(settings: Any) -> Iterator[Storage]:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    yield default_storage


def test_the_same_product_gets_the_same_picture_and_others_differ() -> None:
    first = demo_photo_draw(category="televizore", brand="Samsung", key="3VF-TV-00101")
    again = demo_photo_draw(category="televizore", brand="Samsung", key="3VF-TV-00101")
    fridge = demo_photo_draw(category="frigorifere", brand="Samsung", key="3VF-FRI-00101")

    assert first == again
    assert first != fridge
    image = Image.open(io.BytesIO(first))
    assert (image.format, image.size) == ("JPEG", (WIDTH, HEIGHT))


@pytest.mark.parametrize("category", [*DRAWERS, "a-category-added-later"])
def test_every_category_draws_a_picture(category: str) -> None:
    image = Image.open(io.BytesIO(demo_photo_draw(category=category, brand="Beko", key=category)))
    # Something was drawn on the gradient: the picture is not one flat colour.
    low, high = image.convert("L").getextrema()
    assert high - low > 100


def test_seeding_adds_one_photo_per_product_once_and_queues_the_renditions() -> None:
    tvs = CategoryFactory(slug="televizore")
    products = [ProductFactory(category=tvs, brand=BrandFactory(name="LG")) for _ in range(3)]

    assert demo_photos_seed(Product.objects.all()) == 3
    assert demo_photos_seed(Product.objects.all()) == 0

    photos = ProductPhoto.objects.order_by("product_id")
    assert [photo.product_id for photo in photos] == [product.pk for product in products]
    assert all(photo.alt_sq.endswith("pamje nga para") and photo.alt_en for photo in photos)
    assert DBTaskResult.objects.count() == 3
    run_tasks()
    assert all(photo.renditions for photo in ProductPhoto.objects.all())


def test_drawing_and_cleaning_the_demo_catalogue_takes_a_few_seconds() -> None:
    # 374 products in the demo catalogue; CPU time, so other processes on the machine
    # do not count. Measured at about 10 ms a product (see docs/photos.md).
    started = time.process_time()
    for number in range(40):
        drawn = demo_photo_draw(category="lavatrice", brand="Bosch", key=f"timing-{number}")
        image_clean(io.BytesIO(drawn))
    per_product = (time.process_time() - started) / 40
    assert per_product * 374 < 5.0
