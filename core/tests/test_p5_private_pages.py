"""P5, P6: no page that shows a person's data is kept by a cache, shared or the browser's.

The walk requests every GET-able address of the whole URLconf, in both languages, as a
signed-in customer with a cart, an order, an address, a download, a pending erasure,
an email change and a subscription, filling each argument with a real value of theirs.
"""

from __future__ import annotations

import mailbox
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import User
from accounts.services import email_change_request
from accounts.tests.factories import AddressFactory, UserFactory
from accounts.tokens import make_email_verification_token
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from core.middleware import PrivatePagesMiddleware
from core.testing import run_tasks
from mail.models import MailKind, OutboxMessage
from orders.tests.factories import place_order
from privacy.roles import Role
from rights.export import data_export_build, data_export_link, data_export_request
from rights.requests.services import erasure_request_by_customer
from staff.tests.factories import StaffFactory
from subscriptions.services import subscriber_for_user
from subscriptions.tokens import confirmation_token, preferences_token, unsubscribe_token

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
_ROUTE_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_REGEX_ARGUMENT = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class Address:
    """One pattern of the URLconf: its route as written, its name, its argument names."""

    route: str
    name: str
    regex: bool


def _patterns(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> Iterator[Address]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _patterns(pattern.url_patterns, route, inner)
        else:
            name = ":".join(part for part in (namespace, pattern.name or "") if part)
            regex = type(pattern.pattern).__name__ == "RegexPattern" or "(?P<" in route
            yield Address(route=route, name=name, regex=regex)


@dataclass
class Customer:
    """A customer who has used everything, and the values their own addresses take."""

    user: User
    values: dict[tuple[str, str], str]
    fallbacks: dict[str, str]

    def value(self, address: Address, argument: str) -> str:
        return self.values.get((address.name, argument)) or self.fallbacks.get(argument, "1")


def _path_of(url: str) -> list[str]:
    return [part for part in url.split("/") if part]


@pytest.fixture
def customer_with_everything(client: Client, settings: Any, tmp_path: Path) -> Customer:  # type: ignore[no-untyped-def]
    settings.DATA_EXPORT_DIR = tmp_path / "exports"
    settings.MAIL_VIEWER_ENABLED = True
    settings.EMAIL_BACKEND = "mail.backends.MaildirBackend"
    settings.EMAIL_MAILDIR = str(tmp_path / "mail")
    product = ProductFactory()
    user = UserFactory()
    address = AddressFactory(user=user)
    order = place_order(customer=user, quantities={product.pk: 1})
    export = data_export_request(user=user, password=TEST_PASSWORD, language="sq")
    data_export_build(export_id=export.pk)
    subscriber = subscriber_for_user(user)
    email_change_request(user=user, new_email="adresa.e.re@example.al", password=TEST_PASSWORD)
    erasure_request_by_customer(user=user, password=TEST_PASSWORD)
    mails = {m.kind: m.body_text for m in OutboxMessage.objects.filter(recipient=user)}
    erasure_token = re.search(r"/fshirja/konfirmo/([^/\s]+)/", mails[MailKind.ERASURE_CONFIRM])
    change_token = re.search(r"/email/konfirmo/([^/\s]+)/", mails[MailKind.EMAIL_CHANGE_CONFIRM])
    assert erasure_token is not None and change_token is not None
    run_tasks()
    [mail_key] = mailbox.Maildir(settings.EMAIL_MAILDIR).keys()[:1] or ["nothing"]
    client.force_login(user)
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    values = {
        ("rights:erasure_confirm", "token"): erasure_token.group(1),
        ("rights:export_download", "token"): _path_of(data_export_link(export))[-1],
        ("subscriptions:confirm", "token"): confirmation_token(subscriber.public_id),
        ("subscriptions:preferences", "token"): preferences_token(subscriber.public_id),
        ("subscriptions:unsubscribe", "token"): unsubscribe_token(
            subscriber.public_id, topic=None, campaign_id=None
        ),
        ("accounts:email_change_confirm", "token"): change_token.group(1),
        ("accounts:verify_email", "token"): make_email_verification_token(user),
        ("accounts:password_reset_confirm", "token"): default_token_generator.make_token(user),
        ("orders:detail", "token"): order.public_id,
        ("orders:placed", "token"): order.public_id,
        ("orders:cancel", "token"): order.public_id,
        ("catalog:category", "slug"): product.category.slug,
    }
    fallbacks = {
        "uidb64": uid,
        "address_id": str(address.pk),
        "slug": product.slug,
        "key": mail_key,
        "object_id": str(order.pk),
        "app_label": "orders",
        "url": "nuk-ekziston/",
        "content_type_id": "1",
    }
    return Customer(user=user, values=values, fallbacks=fallbacks)


def _url(address: Address, customer: Customer) -> str:
    if address.regex:
        path = _REGEX_ARGUMENT.sub(
            lambda found: customer.value(address, found.group("name")), address.route
        )
        path = path.replace("^", "").replace("$", "").replace("\\Z", "")
    else:
        path = _ROUTE_ARGUMENT.sub(
            lambda found: customer.value(address, found.group("name")), address.route
        )
    return "/" + path


def _has_body(response: Any) -> bool:
    return bool(getattr(response, "streaming", False) or response.content)


def _cache_control(response: Any) -> str:
    return str(response.get("Cache-Control", ""))


# The pages the probe named, and those a token opens: the walk must reach them, not a 404.
PERSONAL_PAGES = {
    "accounts:profile",
    "accounts:addresses",
    "accounts:address_edit",
    "orders:list",
    "orders:detail",
    "orders:checkout",
    "rights:access_log",
    "rights:erasure_request",
    "rights:erasure_confirm",
    "rights:export_request",
    "rights:export_download",
    "cart:detail",
    "subscriptions:preferences",
    "accounts:email_change_confirm",
}


def test_p5_every_personal_page_is_not_cached(client: Client, customer_with_everything) -> None:  # type: ignore[no-untyped-def]
    # given a signed-in customer who has used everything
    customer = customer_with_everything
    cached: list[str] = []
    reached: dict[str, set[int]] = {}
    for language in LANGUAGES:
        with translation.override(language):
            addresses = {
                _url(address, customer): address
                for address in _patterns(get_resolver().url_patterns)
            }
        assert language == "sq" or any(url.startswith(f"/{language}/") for url in addresses)
        # when every address of the site is asked for
        for url, address in sorted(addresses.items()):
            response = client.get(url)
            chain = [response]
            if response.status_code in (301, 302, 303, 307, 308):
                chain.append(client.get(url, follow=True))
            reached.setdefault(address.name, set()).add(response.status_code)
            # then every answer with a body says no cache may keep it
            for answer in chain:
                if _has_body(answer) and "no-store" not in _cache_control(answer):
                    cached.append(f"{url} {answer.status_code} {_cache_control(answer)!r}")
            if "_auth_user_id" not in client.session:
                client.force_login(customer.user)
    assert cached == []
    assert {name for name in PERSONAL_PAGES if reached.get(name) != {200}} == set()
    assert any(name.startswith("admin:") for name in reached)


@pytest.mark.parametrize(
    "name",
    [
        "accounts:profile",
        "accounts:addresses",
        "orders:list",
        "rights:access_log",
        "rights:erasure_request",
        "rights:export_request",
        "cart:detail",
        "orders:checkout",
    ],
)
def test_p5_each_account_page_says_private_no_store(customer_client: Client, name: str) -> None:
    response = customer_client.get(reverse(name))
    assert response.status_code in (200, 302)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_p5_the_back_office_sends_no_store_to_staff(client: Client) -> None:
    client.force_login(StaffFactory(role=Role.DATA_PROTECTION_OFFICER))
    for url in (
        reverse("admin:index"),
        reverse("admin:rights_erasurerequest_changelist"),
        reverse("admin:consent_consentdecision_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_p5_the_public_catalogue_stays_cacheable_for_a_visitor_without_a_session(
    client: Client,
) -> None:
    product = ProductFactory()
    for url in ("/", product.get_absolute_url(), reverse("catalog:list")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" not in response.get("Cache-Control", ""), url
        assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_p5_a_visitor_given_a_session_is_no_longer_served_cacheable_pages(
    client: Client,
) -> None:
    # given a visitor without an account who puts something in the cart
    product = ProductFactory()
    client.post(reverse("cart:add"), {"product": product.pk, "quantity": 1})
    # when they look at the catalogue and the cart
    for url in ("/", reverse("cart:detail")):
        response = client.get(url)
        # then nothing is cacheable: the header shows their cart
        assert "no-store" in response["Cache-Control"], url


def test_p5_a_view_that_sets_its_own_cache_control_keeps_it() -> None:
    request = RequestFactory().get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"

    def view(request: Any) -> HttpResponse:
        response = HttpResponse("ok")
        response["Cache-Control"] = "no-cache"
        return response

    assert PrivatePagesMiddleware(view)(request)["Cache-Control"] == "no-cache"
