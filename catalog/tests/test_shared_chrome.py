"""Catalogue pages whose chrome comes from {% sharedcache %}: each visitor still sees
their own cart count and gets their own CSRF token (P5, P6), in few queries."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from core.templatetags.shared_cache import CSRF_HOLE

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    cache.clear()
    yield
    cache.clear()


def _token(page: str) -> str:
    found = TOKEN.search(page)
    assert found is not None
    return found.group(1)


def test_p5_cached_chrome_keeps_each_visitors_cart_count_and_token(catalogue):
    # given: one shopper with two items, then a first-time visitor, on the same page
    shopper = Client()
    shopper.post("/shporta/shto/", {"product": catalogue.samsung_tv.pk, "quantity": 2})
    shopper_page = shopper.get("/produkte/").content.decode()
    visitor = Client(enforce_csrf_checks=True)
    visitor_page = visitor.get("/produkte/").content.decode()
    again = Client().get("/produkte/").content.decode()
    # then: each sees their own count, and their own working token
    assert ">2</span>" in shopper_page
    assert ">0</span>" in visitor_page and ">0</span>" in again
    assert CSRF_HOLE not in shopper_page + visitor_page + again
    tokens = [_token(page) for page in (shopper_page, visitor_page, again)]
    assert len(set(tokens)) == 3
    # and a form from the cached chrome posts with the visitor's own token
    response = visitor.post(
        "/shporta/shto/",
        {"product": catalogue.samsung_tv.pk, "quantity": 1, "csrfmiddlewaretoken": tokens[1]},
    )
    assert response.status_code == 302


def test_a_shopper_with_a_cart_costs_few_queries_per_page(catalogue, django_assert_max_num_queries):
    # given: a shopper with one item, pages warmed up
    shopper = Client()
    shopper.post("/shporta/shto/", {"product": catalogue.samsung_tv.pk, "quantity": 1})
    pages = ["/", "/produkte/", "/kategoria/tv-audio/", catalogue.samsung_tv.get_absolute_url()]
    for page in pages:
        shopper.get(page)
    # then: the session, the catalogue revision, and nothing per fragment
    for page in pages:
        with django_assert_max_num_queries(2):
            assert shopper.get(page).status_code == 200
    # the cart page reads its products and their photos too
    with django_assert_max_num_queries(4):
        assert shopper.get("/shporta/").status_code == 200
