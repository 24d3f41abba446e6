"""Catalogue pages served whole from the shared cache still show each visitor what is
theirs: their messages, their own history (P7), their account, and nothing stored from
a form sent back or a signed-in visit (P5)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.html import escape

from accounts.tests.factories import UserFactory
from consent.cookies import CONSENT_COOKIE
from consent.tests.factories import chosen_consent_cookie
from personalisation.history import RECENTLY_VIEWED_COOKIE

pytestmark = pytest.mark.django_db

LISTING = "/produkte/"


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _page_keys() -> int:
    """How many whole pages the shared cache holds (locmem, as in the tests)."""
    return sum("shared:page." in key for key in cache._cache)  # type: ignore[attr-defined]


def test_p5_a_page_is_stored_once_and_served_to_the_next_visitor(catalogue):
    first = Client().get(LISTING)
    assert _page_keys() == 1
    second = Client().get(LISTING)
    assert _page_keys() == 1
    assert first.status_code == second.status_code == 200
    assert escape(catalogue.samsung_tv.name_sq) in second.content.decode()


def test_p5_a_message_for_the_visitor_shows_though_the_page_was_cached(catalogue):
    Client().get(LISTING)  # stored for visitors with nothing waiting
    shopper = Client()
    # when: a cart change that fails says so on the page it returns to
    shopper.post("/shporta/shto/", {"product": 999_999, "quantity": 1}, HTTP_REFERER=LISTING)
    page = shopper.get(LISTING).content.decode()
    # then: the message is there, and that page was not stored for anyone else
    assert 'class="messages"' in page
    assert 'class="messages"' not in Client().get(LISTING).content.decode()


def test_p7_a_visitor_with_a_history_gets_their_own_home_page_never_stored(catalogue):
    Client().get("/")
    visitor = Client()
    visitor.cookies[CONSENT_COOKIE] = chosen_consent_cookie(personalisation=True)
    # when: they look at a product (a page other visitors may share) ...
    Client().get(catalogue.samsung_tv.get_absolute_url())
    visitor.get(catalogue.samsung_tv.get_absolute_url())
    assert visitor.cookies[RECENTLY_VIEWED_COOKIE].value, "the shared page still records it"
    stored = _page_keys()
    # ... then go home
    page = visitor.get("/").content.decode()
    assert "recently-viewed-title" in page
    assert _page_keys() == stored
    assert "recently-viewed-title" not in Client().get("/").content.decode()


def test_p5_a_signed_in_customer_is_never_served_nor_stores_a_shared_page(catalogue):
    Client().get(LISTING)
    stored = _page_keys()
    customer = Client()
    customer.force_login(UserFactory(first_name="Drita"))
    page = customer.get(LISTING).content.decode()
    assert "Llogaria ime" in page and "Regjistrohu" not in page
    assert _page_keys() == stored


def test_p5_each_cart_page_shows_its_own_lines_and_is_shared_only_by_equal_carts(catalogue):
    tv, washer = catalogue.samsung_tv, catalogue.samsung_washer
    one, other, same = Client(), Client(), Client()
    one.post("/shporta/shto/", {"product": tv.pk, "quantity": 1})
    other.post("/shporta/shto/", {"product": washer.pk, "quantity": 2})
    same.post("/shporta/shto/", {"product": tv.pk, "quantity": 1})

    for client in (one, other, same):
        client.get("/shporta/")  # shows (and so uses up) the "added" message
    pages = [client.get("/shporta/").content.decode() for client in (one, other, same)]

    assert f'value="{tv.pk}"' in pages[0] and f'value="{washer.pk}"' not in pages[0]
    assert f'value="{washer.pk}"' in pages[1] and f'value="{tv.pk}"' not in pages[1]
    assert _page_keys() == 2, "the two equal carts share one page"
    # when: the first changes its quantity, its page follows at once
    one.post("/shporta/ndrysho/", {"product": tv.pk, "quantity": 3})
    one.get("/shporta/")
    assert 'name="quantity" value="3"' in one.get("/shporta/").content.decode()
    assert 'name="quantity" value="1"' in same.get("/shporta/").content.decode()
