"""P6 and P14: every storefront, account and portal form under hostile input.

Hypothesis posts hostile values to every view that takes a POST (found from the URL
patterns, so a new form must join the list below or this file fails) and to the search
and listing pages' query strings: any unicode, very long text, NUL bytes and control
characters, HTML and SQL fragments, wrong types, huge and negative numbers, missing
and duplicated fields, a body that is not a form at all, and a CSRF token that is valid,
missing or wrong. No answer is ever a server error, and a refusal (a 4xx, the form
shown again with its errors, an error message, or the sign-in page) changes nothing:
every table's rows, the stored files and the sent mail are the same after as before.

Each example runs in a savepoint rolled back afterwards, so one example's accepted
post does not change the next one's starting point; few examples a form, derandomised,
keep the file fast and the same on every run.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.forms import BaseForm
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.strategies import DataObject, SearchStrategy

from accounts.models import Address, User
from accounts.services import email_change_request
from accounts.tests.factories import AddressFactory, UnverifiedUserFactory, UserFactory
from cart.services import cart_set_quantity
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from contractors.tests.factories import CompanyFactory, PersonFactory, function
from mail.models import MailKind, OutboxMessage
from orders.models import Order
from orders.tests.factories import place_order
from rights.requests.services import erasure_request_by_customer
from subscriptions.models import Topic
from subscriptions.tests.factories import ConfirmedSubscriberFactory
from subscriptions.tokens import confirmation_token, preferences_token, unsubscribe_token
from support.models import SupportCase
from support.services import case_open_by_customer

# A few examples a form: with the edge values below mixed into every field, that is
# enough to find a form that breaks, and the whole file stays well under 90 s.
FUZZ = hypothesis_settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Values that have broken web forms before.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\r\nSet-Cookie: x=1",
    "\u202eevil\u202c",
    "\ufeff\u200b\u200d",
    "👩🏽‍🔧🇦🇱",
    "Ëë Çç ß ǅ İ ﬁ",
    "𝕳𝖊𝖑𝖑𝖔",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "' OR '1'='1' --",
    "'; DROP TABLE accounts_user; --",
    "%00%27%22",
    "../../../etc/passwd",
    "https://evil.example/",
    "//evil.example",
    "javascript:alert(1)",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "Infinity",
    "9" * 40,
    "-" + "9" * 40,
    str(2**63),
    str(-(2**63) - 1),
    "0x10",
    "true",
    "null",
    "[]",
    "{}",
    "a@b",
    "@example.al",
    "klient@example.al" + "a" * 300,
    "x" * 5_000,
    "ë" * 70_000,
]
# A field left out of the post altogether.
MISSING = object()


def hostile() -> SearchStrategy[str]:
    """Return any hostile text: a known edge value or generated unicode (NUL included)."""
    return st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))


def field(*plausible: Any) -> SearchStrategy[Any]:
    """Return a field's value: plausible or hostile, left out, or sent more than once."""
    one = st.one_of(st.sampled_from(plausible), hostile()) if plausible else hostile()
    return st.one_of(one, st.just(MISSING), st.lists(one, min_size=2, max_size=3))


class Who(Enum):
    ANONYMOUS = "anonymous"
    CUSTOMER = "customer"
    UNVERIFIED = "unverified"


@dataclass
class World:
    """What the forms act on: a customer with an address, an order, a case, a cart."""

    customer: User
    unverified: User
    other: User
    address: Address
    others_address: Address
    product_id: int
    order: Order
    others_order: Order
    case: SupportCase
    others_case: SupportCase
    subscriber_public_id: str
    erasure_token: str
    email_change_token: str
    reset_path: str
    contractor_email: str
    sessions: dict[Who, str]


@dataclass(frozen=True)
class Form:
    """A form-handling view, how to reach it, and the fields it takes."""

    name: str
    # The view as the URL patterns name it (module.qualname): the inventory's key.
    view: str
    who: Who
    path: Callable[[World, DataObject], str]
    fields: Callable[[World], dict[str, SearchStrategy[Any]]]
    method: str = "POST"
    # A sign-out ends at a sign-in page: there that is success, not a refusal.
    signs_out: bool = False


def at(name: str, *args: Any) -> Callable[[World, DataObject], str]:
    return lambda world, data: reverse(name, args=args)


def token_path(name: str, valid: Callable[[World], str]) -> Callable[[World, DataObject], str]:
    """A tokened address: the valid token, or a hostile one (percent-encoded into the path)."""

    def path(world: World, data: DataObject) -> str:
        token = data.draw(st.one_of(st.just(valid(world)), hostile()), label="token")
        return reverse(name, args=["TOKEN"]).replace("TOKEN", quote(token, safe="") or "x")

    return path


def object_path(name: str, own: Callable[[World], int], others: Callable[[World], int]) -> Any:
    """An address naming an object: the customer's own, another's, or any number."""

    def path(world: World, data: DataObject) -> str:
        pk = data.draw(
            st.one_of(
                st.sampled_from([own(world), others(world)]),
                st.integers(min_value=0, max_value=2**63 - 1),
            ),
            label="object",
        )
        return reverse(name, args=[pk])

    return path


def ints(*plausible: Any) -> SearchStrategy[Any]:
    """A number field: plausible values, any integer (huge and negative), or hostile text."""
    return field(*plausible, *[str(n) for n in (-1, 0, 1, 99, 2**31, 2**63, -(2**64))])


def registration(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "first_name": field("Arta"),
        "last_name": field("Hoxha"),
        "email": field("i-ri@example.al", world.customer.email),
        "phone": field("069 123 4567", "+355691234567"),
        "password1": field(TEST_PASSWORD),
        "password2": field(TEST_PASSWORD),
        "accept_terms": field("on"),
        "terms_version": ints(1),
        "privacy_version": ints(1),
        "topics": field(*Topic.values),
        "next": field("/shporta/"),
    }


def profile(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "form": field("subscriptions", "support", "profile"),
        "first_name": field("Arta"),
        "last_name": field("Hoxha"),
        "phone": field("069 123 4567"),
        "language": field("sq", "en"),
        "topics": field(*Topic.values),
    }


def address(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "municipality": field("tirane", "durres"),
        "street": field("Rr. Myslym Shyri 10"),
        "courier_notes": field("Kati 3"),
        "make_default": field("on"),
        "next": field("/porosite/arka/"),
    }


def password(world: World) -> dict[str, SearchStrategy[Any]]:
    return {"password": field(TEST_PASSWORD, "gabim")}


def cart_line(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "product": ints(world.product_id),
        "quantity": ints(1, 2),
        "next": field("/shporta/", "https://evil.example/"),
    }


def checkout(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "address": field(str(world.address.pk), str(world.others_address.pk), "new"),
        "municipality": field("tirane"),
        "street": field("Rr. e Durrësit 5"),
        "save_address": field("on"),
        "phone": field("069 123 4567", "+44 20 7946 0958"),
        "notes": field("Pas orës 5"),
        "payment_method": field("cash_on_delivery", "bank_transfer"),
    }


def case_message(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "summary": field("Frigoriferi bën zhurmë"),
        "body": field("Frigoriferi nuk ftoh që dje në mbrëmje."),
        "order": ints(world.order.pk, world.others_order.pk),
        "photos": field("not-a-file"),
    }


def contact(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "name": field("Arta Hoxha"),
        "email": field("arta@example.al", world.customer.email),
        "order_number": field(world.order.number),
        "body": field("Kur vjen porosia ime? Faleminderit."),
        "website": field("https://spam.example/"),
    }


def nothing(world: World) -> dict[str, SearchStrategy[Any]]:
    return {"next": field("/"), "confirm": field("1")}


def topics(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "email": field("abonent@example.al"),
        "topics": field(*Topic.values),
        "action": field("save", "unsubscribe_all"),
        "confirm": field("1"),
        "List-Unsubscribe": field("One-Click"),
    }


def listing(world: World) -> dict[str, SearchStrategy[Any]]:
    return {
        "q": field("frigorifer", "samsung"),
        "brand": field("samsung"),
        "min_price": ints(1000),
        "max_price": ints(100_000),
        "in_stock": field("on"),
        "sort": field("price", "-price", "new"),
        "faqe": ints(1, 2),
    }


FORMS = [
    Form(
        "register", "accounts.views.register", Who.ANONYMOUS, at("accounts:register"), registration
    ),
    Form(
        "sign_in",
        "accounts.views.LoginView",
        Who.ANONYMOUS,
        at("accounts:login"),
        lambda world: {
            "username": field(world.customer.email),
            "password": field(TEST_PASSWORD),
            "next": field("/llogaria/", "//evil.example"),
        },
    ),
    Form(
        "sign_out",
        "django.contrib.auth.views.LogoutView",
        Who.CUSTOMER,
        at("accounts:logout"),
        nothing,
        signs_out=True,
    ),
    Form(
        "resend_verification",
        "accounts.views.resend_verification",
        Who.UNVERIFIED,
        at("accounts:resend_verification"),
        nothing,
    ),
    Form("profile", "accounts.views.profile", Who.CUSTOMER, at("accounts:profile"), profile),
    Form(
        "email_change",
        "accounts.views.change_email",
        Who.CUSTOMER,
        at("accounts:email_change"),
        lambda world: {
            "new_email": field("e-re@example.al", world.other.email),
            "password": field(TEST_PASSWORD),
        },
    ),
    Form(
        "email_change_confirm",
        "accounts.views.confirm_email_change",
        Who.CUSTOMER,
        token_path("accounts:email_change_confirm", lambda world: world.email_change_token),
        nothing,
    ),
    Form(
        "address_add",
        "accounts.views.address_edit",
        Who.CUSTOMER,
        at("accounts:address_add"),
        address,
    ),
    Form(
        "address_edit",
        "accounts.views.address_edit",
        Who.CUSTOMER,
        object_path("accounts:address_edit", lambda w: w.address.pk, lambda w: w.others_address.pk),
        address,
    ),
    Form(
        "address_delete",
        "accounts.views.address_remove",
        Who.CUSTOMER,
        object_path(
            "accounts:address_delete", lambda w: w.address.pk, lambda w: w.others_address.pk
        ),
        nothing,
    ),
    Form(
        "password_reset",
        "accounts.views.PasswordResetView",
        Who.ANONYMOUS,
        at("accounts:password_reset"),
        lambda world: {"email": field(world.customer.email, "askush@example.al")},
    ),
    Form(
        "password_reset_confirm",
        "accounts.views.PasswordResetConfirmView",
        Who.ANONYMOUS,
        lambda world, data: data.draw(
            st.sampled_from([world.reset_path, world.reset_path.replace("set-password", "x-y")]),
            label="link",
        ),
        lambda world: {
            "new_password1": field("nje-fjalekalim-i-ri-77"),
            "new_password2": field("nje-fjalekalim-i-ri-77"),
        },
    ),
    Form("cart_add", "cart.views.add", Who.ANONYMOUS, at("cart:add"), cart_line),
    Form("cart_add_signed_in", "cart.views.add", Who.CUSTOMER, at("cart:add"), cart_line),
    Form("cart_update", "cart.views.update", Who.CUSTOMER, at("cart:update"), cart_line),
    Form("cart_remove", "cart.views.remove", Who.CUSTOMER, at("cart:remove"), cart_line),
    Form("checkout", "orders.views.checkout", Who.CUSTOMER, at("orders:checkout"), checkout),
    Form(
        "order_cancel",
        "orders.views.order_cancel",
        Who.CUSTOMER,
        lambda world, data: reverse(
            "orders:cancel",
            args=[
                data.draw(
                    st.one_of(
                        st.sampled_from([world.order.public_id, world.others_order.public_id]),
                        hostile().map(lambda text: quote(text, safe="") or "x"),
                    ),
                    label="order",
                )
            ],
        ),
        nothing,
    ),
    Form(
        "policy_notice",
        "policy.views.notice_dismiss",
        Who.CUSTOMER,
        at("policy:notice_dismiss"),
        lambda world: {"versioni": field("privacy:1", "terms:1"), "next": field("/")},
    ),
    Form(
        "consent",
        "consent.views.decide",
        Who.ANONYMOUS,
        at("consent:decide"),
        lambda world: {
            "choice": field("accept_all", "reject_all", "save"),
            "analytics": field("on"),
            "personalisation": field("on"),
            "next": field("/produkte/", "https://evil.example/"),
        },
    ),
    Form(
        "consent_signed_in",
        "consent.views.decide",
        Who.CUSTOMER,
        at("consent:decide"),
        lambda world: {"choice": field("accept_all", "reject_all", "save")},
    ),
    Form(
        "newsletter_sign_up",
        "subscriptions.views.subscribe",
        Who.ANONYMOUS,
        at("subscriptions:subscribe"),
        topics,
    ),
    Form(
        "newsletter_confirm",
        "subscriptions.views.confirm",
        Who.ANONYMOUS,
        token_path(
            "subscriptions:confirm", lambda world: confirmation_token(world.subscriber_public_id)
        ),
        topics,
    ),
    Form(
        "newsletter_preferences",
        "subscriptions.views.preferences",
        Who.ANONYMOUS,
        token_path(
            "subscriptions:preferences", lambda world: preferences_token(world.subscriber_public_id)
        ),
        topics,
    ),
    Form(
        "newsletter_unsubscribe",
        "subscriptions.views.unsubscribe",
        Who.ANONYMOUS,
        token_path(
            "subscriptions:unsubscribe",
            lambda world: unsubscribe_token(
                world.subscriber_public_id, topic=Topic.NEWSLETTER, campaign_id=None
            ),
        ),
        topics,
    ),
    Form(
        "case_open", "support.views.case_open", Who.CUSTOMER, at("support:case_open"), case_message
    ),
    Form(
        "case_reply",
        "support.views.case_detail",
        Who.CUSTOMER,
        object_path("support:case_detail", lambda w: w.case.pk, lambda w: w.others_case.pk),
        case_message,
    ),
    Form("contact", "support.views.contact", Who.ANONYMOUS, at("contact:form"), contact),
    Form(
        "erasure_request",
        "rights.views.erasure.erasure_request",
        Who.CUSTOMER,
        at("rights:erasure_request"),
        password,
    ),
    Form(
        "erasure_confirm",
        "rights.views.erasure.erasure_confirm",
        Who.ANONYMOUS,
        token_path("rights:erasure_confirm", lambda world: world.erasure_token),
        nothing,
    ),
    Form(
        "download_request",
        "rights.views.exports.export_request",
        Who.CUSTOMER,
        at("rights:export_request"),
        password,
    ),
    Form(
        "contractor_sign_in",
        "contractors.views.sign_in",
        Who.ANONYMOUS,
        at("contractors:sign_in"),
        lambda world: {
            "username": field(world.contractor_email),
            "password": field(TEST_PASSWORD),
        },
    ),
    Form(
        "contractor_code",
        "contractors.views.code",
        Who.ANONYMOUS,
        at("contractors:code"),
        lambda world: {"otp_token": field("123456")},
    ),
    Form(
        "contractor_enrol",
        "contractors.views.enrol",
        Who.ANONYMOUS,
        at("contractors:enrol"),
        lambda world: {"otp_token": field("123456")},
    ),
    Form(
        "contractor_sign_out",
        "contractors.views.sign_out",
        Who.CUSTOMER,
        at("contractors:sign_out"),
        nothing,
        signs_out=True,
    ),
    Form(
        "contractor_job_done",
        "contractors.views.job_done",
        Who.CUSTOMER,
        object_path("contractors:job_done", lambda w: 1, lambda w: 2),
        nothing,
    ),
    Form(
        "contractor_job_failed",
        "contractors.views.job_failed",
        Who.CUSTOMER,
        object_path("contractors:job_failed", lambda w: 1, lambda w: 2),
        lambda world: {"reason": field("Klienti nuk ishte në shtëpi")},
    ),
    Form(
        "inbound_mail",
        "support.webhooks.InboundMailView",
        Who.ANONYMOUS,
        lambda world, data: reverse("support_inbound_mailgun"),
        lambda world: {
            "timestamp": ints(1_700_000_000),
            "token": field("a" * 50),
            "signature": field("0" * 64),
            "sender": field(world.customer.email),
            "subject": field("Pyetje"),
            "body-plain": field("Përshëndetje"),
        },
    ),
    # The search and the listings take no POST, but every query string they are given.
    Form("search", "search.views.results", Who.ANONYMOUS, at("search:results"), listing, "GET"),
    Form(
        "suggestions",
        "search.views.suggestions",
        Who.ANONYMOUS,
        at("search:suggest"),
        listing,
        "GET",
    ),
    Form(
        "product_list",
        "catalog.views.product_list",
        Who.ANONYMOUS,
        at("catalog:list"),
        listing,
        "GET",
    ),
]

# Rows a refusal writes on purpose: failed sign-ins and password checks are counted,
# so that guessing is slowed down and locked out (P14). Nothing else may change.
COUNTED_REFUSALS = {"axes_accessattempt", "accounts_throttlecounter"}

# Where a post that needs a signed-in person is sent back to.
SIGN_IN_DOORS = ("/llogaria/hyr/", "/kontraktoret/hyr/")

# Form-handling views outside this file's reach, and why.
ELSEWHERE = {
    # The back office (/zyra/): staff pages; the authorisation matrix walks every one.
    "django.contrib.admin",
}


def _walk(
    patterns: list[URLPattern | URLResolver], namespace: str = ""
) -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, inner)
        else:
            yield namespace, pattern.callback


def _takes_post(callback: Any) -> tuple[str, bool] | None:
    """Return the view's name and whether it takes a POST; None for the API and the admin."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return f"{view_class.__module__}.{view_class.__qualname__}", hasattr(view_class, "post")
    view = inspect.unwrap(callback)
    module = getattr(view, "__module__", "") or ""
    if module.startswith("ninja") or module == "functools":
        return None  # the contractors' API: contractor_api/tests/test_p10_api_fuzz.py
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        source = ""
    return f"{module}.{view.__qualname__}", "POST" in source


def form_views() -> set[str]:
    """Return every view that takes a POST, outside the back office and the API."""
    found = set()
    for namespace, callback in _walk(get_resolver().url_patterns):
        if namespace.split(":")[-1] == "admin" or namespace.startswith(":admin"):
            continue
        taken = _takes_post(callback)
        if taken is None or taken[0].startswith(tuple(ELSEWHERE)):
            continue
        name, takes_post = taken
        if takes_post:
            found.add(name)
    return found


def test_p6_every_form_handling_view_is_fuzzed() -> None:
    # given every view the URL patterns lead to that takes a POST
    views = form_views()
    # then each is fuzzed below: a new form joins FORMS, or this fails
    assert views, "no form views found: the inventory is broken"
    assert views <= {form.view for form in FORMS}, (
        f"forms nobody fuzzes: {sorted(views - {form.view for form in FORMS})}"
    )


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview | bytes):
        return bytes(value).hex()
    if isinstance(value, datetime | date | Decimal):
        return str(value)
    return value


def _tables() -> list[str]:
    return sorted(connection.introspection.table_names(include_views=False))


def snapshot(tables: list[str]) -> dict[str, Any]:
    """Return a digest of every row of every table, the stored files and the mail sent."""
    quote_name = connection.ops.quote_name
    state: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote_name(table)}")  # noqa: S608 - table names from introspection
            rows = sorted(repr(tuple(_plain(value) for value in row)) for row in cursor.fetchall())
            state[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    state["files"] = sorted(_stored_files(""))
    state["mail"] = len(mail.outbox)
    return state


def _stored_files(folder: str) -> Iterator[str]:
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    yield from (f"{folder}{name}" for name in files)
    for inner in folders:
        yield from _stored_files(f"{folder}{inner}/")


def refused(form: Form, response: HttpResponse) -> bool:
    """Whether the site said no: a 4xx, the form again with errors, an error, or sign-in."""
    if 400 <= response.status_code < 500:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)  # type: ignore[attr-defined]
    if storage is not None:
        shown = [*storage._loaded_messages, *storage._queued_messages]
        if any(message.level >= messages.WARNING for message in shown):
            return True
    location = response.headers.get("Location", "")
    if not form.signs_out and any(door in location for door in SIGN_IN_DOORS):
        return True
    for context in response.context or []:
        for layer in context.dicts:
            for value in layer.values():
                if isinstance(value, BaseForm) and value.is_bound and value.errors:
                    return True
    return False


def _csrf_cookie_and_field(data: DataObject) -> tuple[str | None, str | None]:
    """Return the CSRF cookie and the posted token: valid, missing, or wrong."""
    secret = "s" * 32
    kind = data.draw(st.sampled_from(["valid", "valid", "valid", "missing", "wrong"]), label="csrf")
    if kind == "valid":
        return secret, secret
    if kind == "missing":
        return secret, None
    return secret, data.draw(st.one_of(st.just("t" * 32), hostile()), label="csrf_token")


def _body(fields: dict[str, Any], data: DataObject) -> dict[str, Any]:
    posted = {name: value for name, value in fields.items() if value is not MISSING}
    extra = data.draw(
        st.dictionaries(hostile().filter(bool), hostile(), max_size=2), label="extra fields"
    )
    for name, value in extra.items():
        posted.setdefault(name, value)
    return posted


def _send(client: Client, form: Form, path: str, data: DataObject, body: dict[str, Any]) -> Any:
    if form.method == "GET":
        return client.get(path, body)
    encoding = data.draw(
        st.sampled_from(["multipart", "multipart", "urlencoded", "json", "garbage"]),
        label="encoding",
    )
    if encoding == "multipart":
        return client.post(path, body)
    if encoding == "urlencoded":
        return client.post(
            path, urlencode(body, doseq=True), content_type="application/x-www-form-urlencoded"
        )
    if encoding == "json":
        return client.post(
            path,
            json.dumps(body, default=str),
            content_type="application/json",
            headers={"accept": "application/json"},
        )
    raw = data.draw(st.binary(max_size=200), label="raw body")
    return client.post(path, raw, content_type="multipart/form-data; boundary=xyz")


@pytest.fixture
def world(db: None, client: Client) -> World:
    """Build the customer's world once for a form; each example runs on top of it."""
    customer = UserFactory()
    other = UserFactory()
    unverified = UnverifiedUserFactory()
    product = ProductFactory(stock=20)
    second = ProductFactory(stock=5)
    order = place_order(customer=customer, quantities={second.pk: 1})
    others_order = place_order(customer=other, quantities={second.pk: 1})
    case = case_open_by_customer(
        customer=customer,
        summary="Zhurmë",
        body="Frigoriferi bën zhurmë.",
        order=None,
        actor=customer,
    )
    others_case = case_open_by_customer(
        customer=other, summary="Zhurmë", body="Lavatriçja nuk niset.", order=None, actor=other
    )
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.NEWSLETTER])
    erasure_request_by_customer(user=other, password=TEST_PASSWORD)
    email_change_request(
        user=customer, new_email="e-re-ne-pritje@example.al", password=TEST_PASSWORD
    )
    person = PersonFactory(company=CompanyFactory(), functions=[function("delivery")])
    sessions: dict[Who, str] = {}
    for who, user in ((Who.CUSTOMER, customer), (Who.UNVERIFIED, unverified)):
        signed_in = Client()
        signed_in.force_login(user)
        sessions[who] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    # The signed-in customer's cart holds a product, so checkout has something to place.
    cart_client = Client()
    cart_client.cookies[settings.SESSION_COOKIE_NAME] = sessions[Who.CUSTOMER]
    cart_set_quantity(user=customer, session=cart_client.session, product=product, quantity=1)
    # A reset link opened once: the set-password page the form posts to.
    uid = urlsafe_base64_encode(force_bytes(customer.pk))
    opened = client.get(
        reverse(
            "accounts:password_reset_confirm",
            args=[uid, default_token_generator.make_token(customer)],
        )
    )
    assert opened.status_code == 302
    sessions[Who.ANONYMOUS] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(
        customer=customer,
        unverified=unverified,
        other=other,
        address=AddressFactory(user=customer),
        others_address=AddressFactory(user=other),
        product_id=product.pk,
        order=order,
        others_order=others_order,
        case=case,
        others_case=others_case,
        subscriber_public_id=subscriber.public_id,
        erasure_token=_link_token(MailKind.ERASURE_CONFIRM, "fshirja/konfirmo"),
        email_change_token=_link_token(MailKind.EMAIL_CHANGE_CONFIRM, "email/konfirmo"),
        reset_path=opened["Location"],
        contractor_email=person.user.email,
        sessions=sessions,
    )


def _link_token(kind: MailKind, path: str) -> str:
    message = OutboxMessage.objects.filter(kind=kind).latest("created_at")
    found = re.search(rf"/{path}/([^/\s]+)/", message.body_text)
    assert found, f"no {kind} link in the mail"
    return found.group(1)


@pytest.fixture(scope="module")
def tables(django_db_setup: None, django_db_blocker: Any) -> list[str]:
    with django_db_blocker.unblock():
        return [table for table in _tables() if table not in COUNTED_REFUSALS]


@pytest.mark.parametrize("form", FORMS, ids=[form.name for form in FORMS])
@FUZZ
@given(data=st.data())
def test_p6_hostile_input_never_breaks_a_form_and_a_refusal_changes_nothing(
    form: Form, world: World, tables: list[str], data: DataObject
) -> None:
    # given a visitor or the customer, with a CSRF token valid, missing or wrong
    cache.clear()
    client = Client(enforce_csrf_checks=True)
    session = world.sessions.get(form.who)
    if session is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    cookie, token = _csrf_cookie_and_field(data)
    client.cookies[settings.CSRF_COOKIE_NAME] = cookie or ""
    fields = {
        name: data.draw(strategy, label=name) for name, strategy in form.fields(world).items()
    }
    body = _body(fields, data)
    if token is not None and form.method == "POST":
        body["csrfmiddlewaretoken"] = token
    with transaction.atomic():
        path = form.path(world, data)
        before = snapshot(tables)
        # when the form is sent
        response = _send(client, form, path, data, body)
        # then the site never fails, and a refusal leaves everything as it was
        assert response.status_code < 500, response.status_code
        if form.method == "GET" or refused(form, response):
            assert snapshot(tables) == before, f"refused with {response.status_code}, yet changed"
        transaction.set_rollback(True)
