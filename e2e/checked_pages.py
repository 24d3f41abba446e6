"""The pages the independent checkers read: one list for axe-core and the Nu HTML Checker.

`pages_seed()` writes a small shop (a category tree, products, a customer with an
address, an order and an item in the cart, a staff member who opened the customer's
page so the access record has a line) and returns it with the list of pages to check.
`client_for()` gives a Django test client in the role a page is read as; the browser
test copies its session cookie, so both checkers see the same pages the same way.

To check a new page, add a line to `PAGES` (or to `_seeded_pages` when its address
depends on seeded rows): both checkers pick it up.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from catalog.models import Product
from catalog.tests.factories import BrandFactory, CategoryFactory, ProductFactory
from consent.cookies import CONSENT_COOKIE
from consent.tests.factories import chosen_consent_cookie
from orders.models import Order
from orders.tests.factories import place_order


class Reader(enum.StrEnum):
    """Who reads the page: its session decides what the page shows."""

    VISITOR = "visitor"
    CUSTOMER = "customer"
    STAFF = "staff"


@dataclass(frozen=True)
class CheckedPage:
    """A page to check: a short name for reports, its address, and who reads it.

    `has_banner`: the cookie banner can show here (not in the back office), so the page
    is checked with it open and shut. `in_browser`: axe scans it too; a variant that
    only changes the markup (an empty search, the English home) is read by the HTML
    checker alone, which costs milliseconds where a browser scan costs a second.
    """

    name: str
    path: str
    reader: Reader
    has_banner: bool = True
    in_browser: bool = True


# Pages whose address does not depend on seeded rows.
PAGES = [
    CheckedPage("home", "/", Reader.VISITOR),
    CheckedPage("home-en", "/en/", Reader.VISITOR, in_browser=False),
    CheckedPage("category", "/kategoria/televizore/", Reader.VISITOR),
    CheckedPage(
        "listing-filtered", "/produkte/?brand=samsung&in_stock=on&sort=price_asc", Reader.VISITOR
    ),
    CheckedPage("product", "/produkt/samsung-55-crystal-uhd/", Reader.VISITOR),
    CheckedPage(
        "product-out-of-stock", "/produkt/beko-lavatrice-8kg/", Reader.VISITOR, in_browser=False
    ),
    CheckedPage("search", "/kerko/?q=samsung", Reader.VISITOR),
    CheckedPage("search-nothing", "/kerko/?q=zzzqqq", Reader.VISITOR, in_browser=False),
    CheckedPage("cookies", "/cookies/", Reader.VISITOR),
    CheckedPage("privacy-policy", "/privatesia/", Reader.VISITOR),
    CheckedPage("terms", "/kushtet/", Reader.VISITOR, in_browser=False),
    CheckedPage("not-found", "/nuk-ekziston/", Reader.VISITOR),
    CheckedPage("register", "/llogaria/regjistrohu/", Reader.VISITOR),
    CheckedPage("login", "/llogaria/hyr/", Reader.VISITOR),
    CheckedPage("password-reset", "/llogaria/fjalekalimi/", Reader.VISITOR, in_browser=False),
    CheckedPage("contact", "/kontakt/", Reader.VISITOR),
    CheckedPage("cart", "/shporta/", Reader.CUSTOMER),
    CheckedPage("checkout", "/porosite/arka/", Reader.CUSTOMER),
    CheckedPage("profile", "/llogaria/", Reader.CUSTOMER),
    CheckedPage("addresses", "/llogaria/adresat/", Reader.CUSTOMER, in_browser=False),
    CheckedPage("orders", "/porosite/", Reader.CUSTOMER),
    CheckedPage("download", "/llogaria/te-dhenat/shkarko/", Reader.CUSTOMER),
    CheckedPage("erasure", "/llogaria/fshirja/", Reader.CUSTOMER),
    CheckedPage("access-log", "/llogaria/qasjet/", Reader.CUSTOMER),
    CheckedPage("admin-login", "/zyra/login/", Reader.VISITOR, has_banner=False),
    CheckedPage("admin-index", "/zyra/", Reader.STAFF, has_banner=False),
    CheckedPage("admin-orders", "/zyra/orders/order/", Reader.STAFF, has_banner=False),
    CheckedPage(
        "admin-products", "/zyra/catalog/product/?q=samsung", Reader.STAFF, has_banner=False
    ),
]


@dataclass(frozen=True)
class Shop:
    """What `pages_seed` wrote, and every page to check in it."""

    customer: User
    staff: User
    product: Product
    order: Order
    pages: list[CheckedPage]


def _seeded_pages(*, customer: User, order: Order, product: Product) -> list[CheckedPage]:
    return [
        CheckedPage("order", order.get_absolute_url(), Reader.CUSTOMER),
        CheckedPage(
            "admin-order",
            reverse("admin:orders_order_change", args=[order.pk]),
            Reader.STAFF,
            has_banner=False,
        ),
        CheckedPage(
            "admin-customer",
            reverse("admin:accounts_user_change", args=[customer.pk]),
            Reader.STAFF,
            has_banner=False,
        ),
        CheckedPage(
            "admin-product",
            reverse("admin:catalog_product_change", args=[product.pk]),
            Reader.STAFF,
            has_banner=False,
        ),
    ]


def pages_seed() -> Shop:
    """Write the shop the checkers read and return it with its pages."""
    # A live-server test empties the tables the migrations filled; publish the policy again.
    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)
    tv_audio = CategoryFactory(slug="tv-audio", name_sq="TV & Audio", name_en="TV & Audio")
    televisions = CategoryFactory(
        slug="televizore", name_sq="Televizorë", name_en="Televisions", parent=tv_audio
    )
    washers = CategoryFactory(slug="lavatrice", name_sq="Lavatriçe", name_en="Washing machines")
    samsung, lg, beko = (
        BrandFactory(name=name, slug=name.lower()) for name in ("Samsung", "LG", "Beko")
    )
    product = ProductFactory(
        sku="3VF-TV-00101",
        slug="samsung-55-crystal-uhd",
        category=televisions,
        brand=samsung,
        name_sq='Televizor Smart Samsung 55" Crystal UHD 4K',
        name_en='Samsung 55" Crystal UHD 4K Smart TV',
        price=64_900,
        stock=12,
    )
    ProductFactory(
        slug="lg-oled-c4", category=televisions, brand=lg, name_sq='Televizor LG 65" OLED C4'
    )
    ProductFactory(
        slug="beko-lavatrice-8kg",
        category=washers,
        brand=beko,
        name_sq="Lavatriçe Beko 8 kg",
        stock=0,
    )
    customer = UserFactory(first_name="Arta", last_name="Hoxha")
    AddressFactory(user=customer)
    order = place_order(customer=customer, quantities={product.pk: 2})
    staff = UserFactory(email="drejtoresha@3vfejzo.al", is_staff=True, is_superuser=True)
    shop = Shop(
        customer=customer,
        staff=staff,
        product=product,
        order=order,
        pages=[*PAGES, *_seeded_pages(customer=customer, order=order, product=product)],
    )
    # Staff open the customer's page, so "Kush i ka parë…" has a line to show.
    client_for(shop, Reader.STAFF).get(reverse("admin:accounts_user_change", args=[customer.pk]))
    return shop


def client_for(shop: Shop, reader: Reader, *, banner: bool = True) -> Client:
    """Return a test client signed in as `reader`; a customer's cart holds one item.

    With `banner=False` the browser has made its cookie choice, so the banner stays shut.
    """
    client = Client()
    if reader is Reader.CUSTOMER:
        client.force_login(shop.customer)
        client.post(reverse("cart:add"), {"product": shop.product.pk, "quantity": 1})
    elif reader is Reader.STAFF:
        client.force_login(shop.staff)
    if not banner:
        client.cookies[CONSENT_COOKIE] = chosen_consent_cookie()
    return client


def session_cookies(client: Client, base_url: str) -> list[dict[str, Any]]:
    """The client's cookies in the form Playwright's `add_cookies` takes."""
    return [
        {"name": name, "value": morsel.value, "url": base_url}
        for name, morsel in client.cookies.items()
    ]
