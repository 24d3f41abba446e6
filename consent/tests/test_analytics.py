"""P7: what the pages may tell Google, and the CSP that lets them, only when GA is set."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import unescape
from importlib import import_module

import pytest
from django.apps import apps
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.test import RequestFactory

from catalog.tests.factories import ProductFactory
from consent.analytics import (
    AnalyticsCSPMiddleware,
    analytics_context,
    analytics_page,
    analytics_safe_page,
    analytics_transaction_id,
    purchase_params,
    view_item_params,
)
from orders.tests.factories import place_order
from privacy.crypto import blind_index

GA_ID = "G-TEST000000"
GOOGLE = re.compile(r"google", re.IGNORECASE)


@pytest.fixture
def ga_on(settings):  # type: ignore[no-untyped-def]
    settings.GA_MEASUREMENT_ID = GA_ID


@pytest.fixture
def ga_off(settings):  # type: ignore[no-untyped-def]
    settings.GA_MEASUREMENT_ID = ""


@pytest.fixture
def published_policy(db):  # type: ignore[no-untyped-def]
    # A live-server test earlier in the run may have emptied the migrations' rows.
    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)


@pytest.mark.parametrize(
    ("path", "expected_path", "expected_title"),
    [
        ("/", "/", ""),
        ("/produkte/", "/produkte/", ""),
        ("/produkt/sm-a556/", "/produkt/sm-a556/", ""),
        ("/shporta/", "/shporta/", "Shporta"),
        # The search page is titled with the query; only its bare address is kept.
        ("/kerko/", "/kerko/", "Kërkimi"),
        # Pages about a person: fixed addresses stay, those with a number or token go.
        ("/porosite/arka/", "/porosite/arka/", "Porositë"),
        ("/porosite/3VF-261127-ABCDE/u-vendos/", "/porosite/", "Porositë"),
        ("/porosite/3VF-261127-ABCDE/", "/porosite/", "Porositë"),
        ("/llogaria/", "/llogaria/", "Llogaria"),
        ("/llogaria/verifiko/MTI/cdv4k2-0123456789abcdef/", "/llogaria/", "Llogaria"),
        ("/llogaria/fjalekalimi/MTI/set-password/", "/llogaria/", "Llogaria"),
        ("/llogaria/adresat/12/ndrysho/", "/llogaria/", "Llogaria"),
        ("/llogaria/qasjet/", "/llogaria/qasjet/", "Llogaria"),
        ("/llogaria/ndihma/12/", "/llogaria/", "Llogaria"),
        ("/en/porosite/3VF-261127-ABCDE/u-vendos/", "/en/porosite/", "Porositë"),
        ("/en/produkte/", "/en/produkte/", ""),
        ("/_dev/mail/0001-order.eml/", "/_dev/mail/", "Mail"),
        # Whatever someone typed that the site does not know is not repeated.
        ("/arta.hoxha@example.al/", "/404/", "404"),
    ],
)
def test_p7_google_sees_a_safe_address_and_title(path, expected_path, expected_title):
    page = analytics_safe_page(path)

    assert (page.path, page.title) == (expected_path, expected_title)


def test_p7_the_page_view_drops_the_query_and_scrubs_the_referrer(rf: RequestFactory):
    request = rf.get(
        "/kerko/?q=arta+hoxha",
        HTTP_REFERER="http://testserver/porosite/3VF-261127-ABCDE/u-vendos/?x=1",
    )

    page = analytics_page(request)

    assert page.location == "http://testserver/kerko/"
    assert page.title == "Kërkimi"
    assert page.referrer == "http://testserver/porosite/"


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        ("", ""),
        ("https://www.example.com/search?q=arta+hoxha", "https://www.example.com/"),
        ("android-app://com.example/", ""),
        ("http://testserver/produkte/?sort=price", "http://testserver/produkte/"),
    ],
)
def test_p7_another_sites_referrer_is_cut_to_its_origin(rf: RequestFactory, referrer, expected):
    request = rf.get("/", HTTP_REFERER=referrer)

    assert analytics_page(request).referrer == expected


def test_p7_the_transaction_id_is_an_opaque_keyed_hash_of_the_order_number():
    number = "3VF-261127-ABCDE"

    token = analytics_transaction_id(number)

    assert re.fullmatch(r"[0-9a-f]{64}", token)
    assert number not in token and number.lower() not in token
    assert token == analytics_transaction_id(number)
    assert token != analytics_transaction_id("3VF-261127-ABCDF")
    # Bound to its purpose: not the index that finds anything else.
    assert token != blind_index(number, purpose="orders.number")


@pytest.mark.django_db
def test_p7_ecommerce_events_carry_product_ids_prices_and_totals_only(customer):
    product = ProductFactory(sku="SM-A556", price=54_900, stock=5)
    order = place_order(customer=customer, quantities={product.pk: 2})

    viewed = view_item_params(product)
    bought = purchase_params(order)

    assert viewed == {
        "currency": "ALL",
        "value": 54_900,
        "items": [{"item_id": "SM-A556", "price": 54_900, "quantity": 1}],
    }
    assert bought == {
        "transaction_id": analytics_transaction_id(order.number),
        "currency": "ALL",
        "value": order.total,
        "items": [{"item_id": "SM-A556", "price": 54_900, "quantity": 2}],
    }
    sent = json.dumps([viewed, bought])
    for personal in (
        order.number,
        customer.email,
        customer.first_name,
        customer.last_name,
        customer.phone,
        product.name_sq,
    ):
        assert personal not in sent


def _policy(view: Callable[[HttpRequest], HttpResponseBase]) -> str:
    """Return the CSP header django-csp writes for ``view`` behind our middleware."""
    from csp.middleware import CSPMiddleware

    response = CSPMiddleware(AnalyticsCSPMiddleware(view))(RequestFactory().get("/"))
    assert isinstance(response, HttpResponseBase)
    return str(response["Content-Security-Policy"])


def _ok(_request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_p7_the_csp_names_google_only_when_ga_is_configured(settings):
    settings.GA_MEASUREMENT_ID = ""
    without = _policy(_ok)
    settings.GA_MEASUREMENT_ID = GA_ID
    with_ga = _policy(_ok)

    assert not GOOGLE.search(without)
    directives = dict(part.strip().split(" ", 1) for part in with_ga.split(";"))
    assert directives["script-src"] == "'self' https://www.googletagmanager.com"
    assert directives["connect-src"].split() == [
        "'self'",
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://www.googletagmanager.com",
    ]
    assert "https://*.google-analytics.com" in directives["img-src"].split()
    # Nothing else loosened: still no inline script, style or foreign frame.
    assert "unsafe" not in with_ga
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_p7_the_csp_keeps_a_views_own_additions(settings):
    settings.GA_MEASUREMENT_ID = GA_ID

    def view(_request):  # type: ignore[no-untyped-def]
        response = HttpResponse("ok")
        response._csp_update = {"img-src": ["https://images.example.al"]}  # type: ignore[attr-defined]
        return response

    header = _policy(view)

    img_src = next(d for d in header.split(";") if d.strip().startswith("img-src")).split()
    assert "https://images.example.al" in img_src
    assert "https://www.googletagmanager.com" in img_src


def test_p7_without_ga_the_context_and_tags_add_nothing(ga_off, rf: RequestFactory):
    from django.template import Context, Template

    assert analytics_context(rf.get("/")) == {}
    rendered = Template(
        "{% load consent_analytics %}{% analytics_view_item product %}"
        "{% analytics_add_to_cart product %}"
    ).render(Context({"product": ProductFactory.build(sku="SM-A556", price=1)}))
    assert rendered == ""


@pytest.mark.django_db
def test_p7_without_ga_the_pages_hold_no_google_code(ga_off, client, published_policy):
    product = ProductFactory(stock=3)

    for address in ("/", "/produkte/", product.get_absolute_url(), "/shporta/"):
        response = client.get(address)
        html = response.content.decode()
        # The product's JSON-LD (catalog.seo) is a data block: no browser runs it.
        scripts = re.findall(r"<script(?![^>]*application/ld\+json)[^>]*>", html)
        assert scripts == [
            '<script src="/static/js/consent.js" defer>',
            '<script src="/static/js/search-suggest.js" defer>',
        ]
        assert not re.search(r"gtag|googletagmanager|google-analytics|dataLayer", html)
        assert not GOOGLE.search(response["Content-Security-Policy"])
        assert "data-analytics" not in html


@pytest.mark.django_db
def test_p7_with_ga_the_consent_defaults_come_first_and_the_page_carries_its_events(
    ga_on, client, published_policy
):
    product = ProductFactory(sku="SM-A556", price=54_900, stock=3)

    html = client.get(product.get_absolute_url() + "?utm_source=x").content.decode()

    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts[0].startswith('<script src="/static/js/analytics-consent.js" defer')
    assert f'data-ga-id="{GA_ID}"' in scripts[0]
    assert 'data-granted="false"' in scripts[0]
    assert f'data-page-location="http://testserver{product.get_absolute_url()}"' in scripts[0]
    assert "googletagmanager" not in html, "gtag.js is the script's to load, after consent"
    (view_item,) = re.findall(r'data-analytics-params="([^"]*)"', html)
    assert json.loads(unescape(view_item)) == view_item_params(product)
    (add_to_cart,) = re.findall(r'data-analytics-add-to-cart="([^"]*)"', html)
    assert json.loads(unescape(add_to_cart))["items"] == [{"item_id": "SM-A556", "price": 54_900}]


@pytest.mark.django_db
def test_p7_the_confirmation_page_names_the_purchase_by_token_only(
    ga_on, customer_client, customer, published_policy
):
    product = ProductFactory(stock=3)
    order = place_order(customer=customer, quantities={product.pk: 1})

    html = customer_client.get(f"/porosite/{order.public_id}/u-vendos/").content.decode()

    (params,) = re.findall(r'data-analytics-event="purchase" data-analytics-params="([^"]*)"', html)
    purchase = json.loads(unescape(params))
    assert purchase == purchase_params(order)
    assert order.number not in unescape(params)
    script = re.findall(r"<script src=\"/static/js/analytics-consent.js\"[^>]*>", html)[0]
    assert order.number not in script
    assert 'data-page-location="http://testserver/porosite/"' in script
    assert 'data-page-title="Porositë"' in script
