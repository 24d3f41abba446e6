"""P7 point 7: the banner and our script cost no foreign request and at most one query."""

from __future__ import annotations

import re
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import ProductFactory
from consent.cookies import CONSENT_COOKIE
from consent.tests.factories import chosen_consent_cookie

pytestmark = pytest.mark.django_db

STATIC_JS = Path(settings.BASE_DIR) / "static" / "js"
# Any address with a host: scheme-relative or absolute.
FOREIGN_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*:)?//[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
URL_ATTRIBUTE = re.compile(r'\b(?:href|src|action|formaction|srcset|data)="([^"]*)"')


@pytest.fixture(autouse=True)
def shop() -> None:
    # A live-server test earlier in the run may have emptied the migrations' rows.
    import_module("policy.migrations.0002_publish_version_1").publish(apps, None)
    for _ in range(3):
        ProductFactory(stock=5)


def _decided_client() -> Client:
    """Return a browser that already made a current choice."""
    client = Client()
    client.cookies[CONSENT_COOKIE] = chosen_consent_cookie()
    return client


def _banner(html: str) -> str:
    start = html.index('<section id="consent-banner"')
    return html[start : html.index("</section>", start) + len("</section>")]


def _home_queries(client: Client) -> tuple[int, str]:
    client.get("/")  # warm the per-process caches both visitors share
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("ga_measurement_id", ["", "G-TEST000000"])
def test_p7_the_banner_adds_at_most_one_query_to_a_page_view(
    settings, ga_measurement_id: str
) -> None:
    settings.GA_MEASUREMENT_ID = ga_measurement_id

    # when: the same home page for a first visitor and for one who already chose
    asking_queries, asking_html = _home_queries(Client())
    decided_queries, decided_html = _home_queries(_decided_client())

    # then: the banner asks the first and is hidden from the second
    assert "hidden" not in _banner(asking_html).split(">", 1)[0]
    assert "hidden" in _banner(decided_html).split(">", 1)[0]
    # and: asking costs at most one query more
    assert asking_queries <= decided_queries + 1, (asking_queries, decided_queries)


def test_p7_a_cold_first_visit_costs_at_most_one_query_more_for_the_banner() -> None:
    # given: a cache emptied of everything, as a fresh process has it
    from django.core.cache import cache

    decided = _decided_client()
    cache.clear()

    with CaptureQueriesContext(connection) as asking:
        Client().get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as chosen:
        decided.get("/")

    assert len(asking) <= len(chosen) + 1, (len(asking), len(chosen))


@pytest.mark.parametrize("ga_measurement_id", ["", "G-TEST000000"])
def test_p7_the_banner_references_no_other_host(client, settings, ga_measurement_id: str) -> None:
    settings.GA_MEASUREMENT_ID = ga_measurement_id

    banner = _banner(client.get("/").content.decode())

    addresses = URL_ATTRIBUTE.findall(banner)
    assert addresses, "the banner links the policy and the cookie page"
    assert all(address.startswith(("/", "#")) for address in addresses), addresses
    assert not FOREIGN_URL.search(banner)
    assert "<script" not in banner and "<img" not in banner and "<iframe" not in banner


def test_p7_our_consent_script_talks_to_no_other_host() -> None:
    source = (STATIC_JS / "consent.js").read_text(encoding="utf-8")

    assert not FOREIGN_URL.search(source), FOREIGN_URL.findall(source)
    assert not re.search(r"google|gtag|dataLayer", source, re.IGNORECASE)
    # It posts to the form's own action, on the same origin, with its cookies.
    assert "fetch(form.action" in source
    assert 'credentials: "same-origin"' in source


def test_p7_only_the_analytics_script_names_a_google_host() -> None:
    source = (STATIC_JS / "analytics-consent.js").read_text(encoding="utf-8")

    assert FOREIGN_URL.findall(source) == ["https://www.googletagmanager.com"]
