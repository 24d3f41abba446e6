from __future__ import annotations

import re
import time
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from accounts.models import Address, User
from catalog.models import Brand, Category, Product
from demo.categories import CATEGORIES
from demo.people import STAFF
from demo.seed import demo_products
from privacy.roles import Role
from search.selectors import product_search

pytestmark = pytest.mark.django_db

STATIC_DIR = Path(settings.BASE_DIR) / "static"


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _catalogue_snapshot() -> list[tuple[str, int, str, str]]:
    return list(Product.objects.order_by("sku").values_list("sku", "price", "slug", "name_sq"))


def test_seed_builds_a_realistic_catalogue() -> None:
    started = time.monotonic()
    _seed()
    assert time.monotonic() - started < 30

    assert Product.objects.count() >= 320
    assert Category.objects.count() >= 12
    assert Category.objects.filter(parent__isnull=False).count() >= 10
    assert Category.objects.filter(parent__isnull=True).count() >= 5
    assert Product.objects.filter(brand__name="Samsung").count() >= 15
    assert Brand.objects.count() >= 25
    leaves_with_products = Category.objects.filter(products__isnull=False).distinct().count()
    assert leaves_with_products >= 12
    assert Product.objects.filter(stock=0).exists()
    assert Product.objects.filter(stock=1).exists()
    assert product_search(query="samsung").count() >= 15


def test_seeded_products_are_well_formed() -> None:
    _seed()
    for product in Product.objects.select_related("category"):
        assert re.fullmatch(r"3VF-[A-Z]{2,3}-\d{5}", product.sku), product.sku
        assert str(product.price).endswith(("90", "900", "990")), product.price
        assert 0 <= product.stock <= 40
        assert product.name_sq and product.name_en and product.name_sq != product.name_en
        assert product.description_sq and product.description_en
        assert product.specifications, product.sku
        for row in product.specifications:
            assert set(row) == {"sq", "en", "value"} and all(row.values()), row
        assert product.image == product.category.image
        assert (STATIC_DIR / product.image).is_file(), product.image
    phones = Product.objects.filter(category__slug="smartfone")
    assert all(15_000 <= price <= 180_000 for price in phones.values_list("price", flat=True))
    tvs = Product.objects.filter(category__slug="televizore")
    assert all(25_000 <= price <= 350_000 for price in tvs.values_list("price", flat=True))


def test_demo_catalogue_is_deterministic() -> None:
    first = [(item.sku, item.demo.price, item.stock, item.popularity) for item in demo_products()]
    second = [(item.sku, item.demo.price, item.stock, item.popularity) for item in demo_products()]
    assert first == second
    assert len({sku for sku, *_ in first}) == len(first)
    assert len({item.slug for item in demo_products()}) == len(first)


def test_seed_twice_changes_nothing_and_duplicates_nothing() -> None:
    _seed()
    snapshot = _catalogue_snapshot()
    counts = (Product.objects.count(), Category.objects.count(), User.objects.count())
    addresses = Address.objects.count()

    output = _seed()

    assert _catalogue_snapshot() == snapshot
    assert (Product.objects.count(), Category.objects.count(), User.objects.count()) == counts
    assert Address.objects.count() == addresses
    assert "0 products created" in output


def test_seed_restores_edited_demo_rows() -> None:
    _seed()
    product = Product.objects.get(sku="3VF-TV-00101")
    original = product.price
    Product.objects.filter(pk=product.pk).update(price=1, stock=0)
    _seed()
    product.refresh_from_db()
    assert product.price == original


def test_one_staff_account_per_role() -> None:
    output = _seed()
    for role in Role:
        members = User.objects.filter(groups__name=role.value)
        assert members.count() == 1, role
        user = members.get()
        assert user.is_staff and user.is_active and user.email_verified
        assert user.is_superuser == (role == Role.ADMINISTRATOR)
        demo = next(staff for staff in STAFF if staff.role == role)
        assert user.email == demo.email
        assert user.check_password(demo.password)
        assert demo.email in output and demo.password in output
    assert Group.objects.filter(name__in=[role.value for role in Role]).count() == len(Role)


def test_demo_customers() -> None:
    _seed()
    # The demo courier signs in to the contractors' portal, not the shop.
    customers = User.objects.filter(is_staff=False, contractor__isnull=True)
    assert customers.count() == 20
    for customer in customers:
        assert customer.email.endswith("@example.al")
        assert customer.email_verified
        assert re.fullmatch(r"\+35569\d{7}", customer.phone)
        assert customer.addresses.count() == 1
    assert customers.first().check_password("demo-klient-2021")  # type: ignore[union-attr]


def test_if_empty_leaves_an_existing_catalogue_alone() -> None:
    _seed()
    Product.objects.filter(sku="3VF-TV-00101").update(price=1)
    output = _seed("--if-empty")
    assert Product.objects.get(sku="3VF-TV-00101").price == 1
    assert "nothing was seeded" in output
    assert "admin@3vfejzo.al" in output and "demo-admin-2021" in output


def test_if_empty_seeds_an_empty_database() -> None:
    _seed("--if-empty")
    assert Product.objects.count() >= 320


def test_category_tree_is_declared_parent_first() -> None:
    seen: set[str] = set()
    for category in CATEGORIES:
        assert category.parent is None or category.parent in seen, category.slug
        seen.add(category.slug)
        assert (STATIC_DIR / category.image).is_file()


def test_placeholder_images_are_self_contained() -> None:
    images = sorted((STATIC_DIR / "catalog" / "img").glob("*.svg"))
    assert len(images) >= 12
    for image in images:
        svg = image.read_text()
        assert "viewBox" in svg, image.name
        assert "<title" in svg, image.name
        without_namespace = svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
        for forbidden in ("http", "href", "@import", "@font-face", "<image", "<script"):
            assert forbidden not in without_namespace, (image.name, forbidden)


def test_dry_run_writes_nothing() -> None:
    output = _seed("--dry-run")
    assert "rolled back" in output
    assert not Product.objects.exists()
    assert not User.objects.exists()


def test_demo_data_is_refused_where_settings_forbid_it(settings):
    settings.DEMO_DATA_ALLOWED = False
    with pytest.raises(CommandError, match="refused"):
        call_command("seed_demo")
