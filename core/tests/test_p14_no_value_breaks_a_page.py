"""P14: no value staff can type, and no address anyone can type, breaks a page.

Under production's static files (DEBUG off, the manifest storage production uses, after
collectstatic), the crawl asks every back-office address with junk in each of its
parameters, and every catalogue page after bad specifications or image paths were
forced into the database past validation. 404, 403, 302 and 200 are all fine; a 500
fails the test, whichever page gave it.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.db.models import JSONField, Value
from django.test import Client
from django.urls import URLPattern, URLResolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.models import Category, Product
from catalog.services import catalog_revision_bump
from catalog.tests.factories import ProductFactory
from core.tests.test_config import PRODUCTION_ENV
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

JUNK = ["abc", "0", "-1", "99999999", "%00", "9" * 40, "a" * 2048]
# Query strings a changelist must survive: searches, sorts, pages and filters.
CHANGELIST_JUNK = ["q=x", "q=%00", "q=a@b", "o=99", "o=abc", "o=-1.1", "p=abc", "p=-1", "x=1"]
BAD_SPECIFICATIONS: list[Any] = [{"a": 1}, ["x"], 5, [[1, 2]], None]
BAD_IMAGES = ["catalog/img/typo.png", "https://evil.example/x.png", "../../config/settings.py"]

_ROUTE_PARAMETER = re.compile(r"<(?:[^>:]+:)?[^>]+>")
_REGEX_GROUP = re.compile(r"\(\?P<[^>]+>")


@functools.cache
def _production_static_storage() -> dict[str, Any]:
    """Return production's STORAGES["staticfiles"], read from config/settings/production.py."""
    code = (
        "import json, config.settings.production as p; print(json.dumps(p.STORAGES['staticfiles']))"
    )
    result = subprocess.run(  # noqa: S603  (our own interpreter and settings)
        [sys.executable, "-c", code],
        env={"PATH": "/usr/bin:/bin", **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        check=True,
    )
    storage: dict[str, Any] = json.loads(result.stdout)
    return storage


@pytest.fixture
def production_static(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Serve static files as production does: a manifest, built by collectstatic."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {**settings.STORAGES, "staticfiles": _production_static_storage()}
    call_command("collectstatic", interactive=False, verbosity=0)
    # The storage is production's, and strict: a name missing from its manifest raises.
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        staticfiles_storage.url("catalog/img/no-such-file.png")
    yield


def _junk_for_regex(regex: str, junk: str) -> str:
    """Return a path matching the shape of ``regex`` with ``junk`` in each named group."""
    path = regex.removeprefix("^").removesuffix("$").replace("\\", "")
    while (match := _REGEX_GROUP.search(path)) is not None:
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(path[end], 0)
            end += 1
        path = path[: match.start()] + junk + path[end:]
    return path


@dataclass(frozen=True)
class AdminAddress:
    name: str
    route: str  # with {} where each parameter goes
    parameters: int


def _admin_addresses(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[AdminAddress]:
    """Walk the admin's URL tree, yielding each address with its parameters as {}."""
    for pattern in patterns:
        text = str(pattern.pattern)
        if text.startswith("^") or text.endswith("$"):
            route = _junk_for_regex(text, "{}")
        else:
            route = _ROUTE_PARAMETER.sub("{}", text)
        if isinstance(pattern, URLResolver):
            yield from _admin_addresses(pattern.url_patterns, prefix + route)
        else:
            full = prefix + route
            yield AdminAddress(name=pattern.name or full, route=full, parameters=full.count("{}"))


def _verified_staff_client(user: User) -> Client:
    """Return a client signed in as ``user`` with the second factor passed, as in production."""
    device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _server_errors(client: Client, addresses: list[str]) -> list[str]:
    failures = []
    for address in addresses:
        response = client.get(address)
        if response.status_code >= 500:
            failures.append(f"{response.status_code} {address[:120]}")
    return failures


@pytest.fixture
def crawlers(settings: Any, production_static: None) -> dict[str, Client]:
    settings.FEJZO_STAFF_2FA = True
    superuser = UserFactory(is_staff=True, is_superuser=True)
    sales = StaffFactory(role=Role.SALES)
    clients = {
        "superuser": _verified_staff_client(superuser),
        "staff": _verified_staff_client(sales),
    }
    for client in clients.values():
        assert client.get(reverse("admin:index")).status_code == 200
    return clients


def test_p14_admin_addresses_with_junk_parameters_never_answer_500(
    crawlers: dict[str, Client],
) -> None:
    # given a product, so lists and pickers have something to show
    ProductFactory()
    root = reverse("admin:index")
    addresses = list(_admin_addresses(admin.site.get_urls()))
    assert any(address.name == "catalog_product_change" for address in addresses)
    assert any(address.name == "campaigns_campaign_preview" for address in addresses)
    # when every address is asked with junk in each parameter, and every list with junk
    # in its query string
    asked = []
    for address in addresses:
        if address.parameters:
            asked += [root + address.route.format(*[junk] * address.parameters) for junk in JUNK]
        else:
            asked.append(root + address.route)
        if address.name.endswith("_changelist"):
            asked += [f"{root}{address.route}?{query}" for query in CHANGELIST_JUNK]
    # then none answers 500, for a superuser or for an ordinary staff member
    for who, client in crawlers.items():
        assert _server_errors(client, asked) == [], who


def _storefront_addresses(product: Product) -> list[str]:
    return [
        product.get_absolute_url(),
        "/",
        "/en/",
        reverse("catalog:list"),
        product.category.get_absolute_url(),
        f"{reverse('search:results')}?q={product.sku}",
    ]


@pytest.mark.parametrize("bad", BAD_SPECIFICATIONS, ids=repr)
def test_p14_malformed_specifications_break_no_page(
    crawlers: dict[str, Client], client: Client, bad: Any
) -> None:
    # given specifications forced into the database past every validation
    product = ProductFactory(
        specifications=[{"sq": "Ekrani", "en": "Screen", "value": "55 inç"}],
    )
    Product.objects.filter(pk=product.pk).update(specifications=Value(bad, JSONField()))
    catalog_revision_bump()
    product.refresh_from_db()
    assert product.specifications == bad
    # when visitors and staff open every page that shows the product
    client.raise_request_exception = False
    change = reverse("admin:catalog_product_change", args=[product.pk])
    # then none answers 500
    assert _server_errors(client, _storefront_addresses(product)) == []
    assert _server_errors(crawlers["superuser"], [change]) == []
    assert _server_errors(crawlers["staff"], [change]) == []


@pytest.mark.parametrize("bad", BAD_IMAGES)
def test_p14_missing_or_foreign_images_break_no_page(
    crawlers: dict[str, Client], client: Client, bad: str
) -> None:
    # given a product and its category naming an image that is not among the static files
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(image=bad)
    Category.objects.filter(pk=product.category_id).update(image=bad)
    catalog_revision_bump()
    product.refresh_from_db()
    # when visitors and staff open every page that shows them
    client.raise_request_exception = False
    pages = _storefront_addresses(product)
    changes = [
        reverse("admin:catalog_product_change", args=[product.pk]),
        reverse("admin:catalog_category_change", args=[product.category_id]),
    ]
    # then none answers 500, and the product shows the placeholder, never the foreign address
    assert _server_errors(client, pages) == []
    assert _server_errors(crawlers["superuser"], changes) == []
    assert _server_errors(crawlers["staff"], changes) == []
    html = client.get(product.get_absolute_url()).content.decode()
    assert staticfiles_storage.url("catalog/img/placeholder.svg") in html
    assert "evil.example" not in html and "settings.py" not in html
