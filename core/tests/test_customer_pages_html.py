"""What customers read: no internal clause codes, and `<time>` values a validator accepts.

Customer pages showed the policy's clause ids ("… reklama (P7)"), which mean nothing
to a shopper; the back office and the mails to staff may keep them. The account and
access-record pages wrote `<time datetime>` with microseconds, which the W3C checker
refuses. The walk requests every GET-able address outside the back office, in both
languages, as a visitor and as a customer who has used everything.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import translation

from core.tests.test_p5_private_pages import (
    LANGUAGES,
    Customer,
    _patterns,
    _url,
    customer_with_everything,  # noqa: F401  (a fixture, used by name)
)

pytestmark = pytest.mark.django_db

CLAUSE_CODE = re.compile(r"\(P\d+")
# Staff pages, and the development mail viewer (it shows staff mails too).
NOT_FOR_CUSTOMERS = ("/zyra/", "/_dev/", "/en/zyra/", "/en/_dev/")
TIME_DATETIME = re.compile(r'<time\b[^>]*\bdatetime="([^"]*)"')
# A valid global date and time string without fractions of a second (HTML Living Standard).
GLOBAL_DATE_AND_TIME = re.compile(r"^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d)?([+-]\d\d:?\d\d|Z))?$")


def _customer_urls(customer: Customer) -> list[str]:
    urls: set[str] = set()
    for language in LANGUAGES:
        with translation.override(language):
            for address in _patterns(get_resolver().url_patterns):
                url = _url(address, customer)
                if not url.startswith(NOT_FOR_CUSTOMERS) and "^" not in url:
                    urls.add(url)
    return sorted(urls)


def _html(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    if "text/html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


def test_customer_pages_show_no_clause_codes(
    client: Client,
    customer_with_everything: Customer,  # noqa: F811
) -> None:
    # given a visitor, and a signed-in customer who has used everything
    customer = customer_with_everything
    visitor = Client()
    shown: list[str] = []
    pages = 0
    for url in _customer_urls(customer):
        # when each page is read as each of them
        for who, browser in (("visitor", visitor), ("customer", client)):
            html = _html(browser, url)
            pages += bool(html)
            # then no clause code is on it
            shown += [
                f"{who} {url}: …{m.string[m.start() - 60 : m.end()]}"
                for m in CLAUSE_CODE.finditer(html)
            ]
            if "_auth_user_id" not in client.session:
                client.force_login(customer.user)
    assert pages > 50
    assert shown == []


def test_the_cookie_page_explains_without_a_clause_code(client: Client) -> None:
    for language in LANGUAGES:
        with translation.override(language):
            html = client.get(reverse("consent:cookies")).content.decode()
        assert "Google Analytics" in html
        assert not CLAUSE_CODE.search(html)


@pytest.mark.parametrize("name", ["accounts:profile", "rights:access_log"])
def test_time_datetime_values_carry_no_fractions_of_a_second(
    client: Client,
    customer_with_everything: Customer,  # noqa: F811
    name: str,
) -> None:
    # given a customer whose account page and access record list dated events
    client.post(reverse("accounts:profile"), {"form": "subscriptions", "topics": ["offers"]})
    html = client.get(reverse(name)).content.decode()

    # then every <time datetime> is a valid date and time, to the second
    values = TIME_DATETIME.findall(html)
    assert values, f"{name} shows no dated event to check"
    assert [value for value in values if not GLOBAL_DATE_AND_TIME.match(value)] == []
    assert not any("." in value for value in values)
