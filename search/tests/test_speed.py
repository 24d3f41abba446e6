"""A search nobody made before stays cheap (issue 14): cards rendered once per product and
revision, the count and the brand facet from one read of the matches, each word's
"did you mean" answer remembered per revision. Same page as before, fewer queries."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.services import catalog_revision_bump
from catalog.tests.conftest import Catalogue
from catalog.views import product_cards

pytestmark = pytest.mark.django_db

FACET = re.compile(r'<label for="brand-([\w-]+)">[^<(]*\((\d+)\)</label>')
COUNT = re.compile(r'class="result-count"[^>]*>([^<]*)<')


def _facets_and_count(client: Client, url: str) -> tuple[dict[str, int], str]:
    html = client.get(url).content.decode()
    found = COUNT.search(html)
    assert found
    return {slug: int(n) for slug, n in FACET.findall(html)}, found.group(1).strip()


def test_the_brand_facet_and_count_are_those_of_the_matches(catalogue: Catalogue) -> None:
    client = Client()
    # given: "samsung" finds a TV and a washer; the filter keeps the washer's brand only
    facets, count = _facets_and_count(client, "/kerko/?q=samsung")
    assert facets == {"samsung": 2}
    assert count.startswith("2 ")
    # when a brand with nothing found is chosen, it is still offered, with 0, and nothing shows
    facets, count = _facets_and_count(client, "/kerko/?q=samsung&brand=lg")
    assert facets == {"lg": 0, "samsung": 2}
    assert count.startswith("0 ")
    facets, count = _facets_and_count(client, "/kerko/?q=samsung&brand=samsung&max_price=62000")
    assert facets == {"samsung": 1}
    assert count.startswith("1 ")


def test_a_new_search_renders_no_card_twice(catalogue: Catalogue, rf) -> None:  # type: ignore[no-untyped-def]
    # given: the cards of a search made once
    client = Client()
    client.get("/kerko/?q=samsung")
    request = rf.get("/")
    cards = cache.get_many(
        [f"catalog:card:{_revision(request)}:sq:{p.pk}" for p in _samsungs(catalogue)]
    )
    assert len(cards) == 2
    # then: another search showing them reuses them, in one cache read
    again = product_cards(request, products=_samsungs(catalogue))
    assert [str(card) for card in again] == [
        cards[f"catalog:card:{_revision(request)}:sq:{p.pk}"] for p in _samsungs(catalogue)
    ]
    # and a change to the catalogue (a price, the stock) makes them anew
    catalog_revision_bump()
    fresh = rf.get("/")
    assert _revision(fresh) != _revision(request)
    assert not cache.get_many([f"catalog:card:{_revision(fresh)}:sq:{catalogue.samsung_tv.pk}"])


def test_a_word_asked_before_costs_no_lookup_in_a_new_search(catalogue: Catalogue) -> None:
    client = Client()
    # given: a typo nobody searched before is looked up (an index and a trigram lookup)
    with CaptureQueriesContext(connection) as first:
        html = client.get("/kerko/?q=samsnug").content.decode()
    # when: a new search with the same word is made
    with CaptureQueriesContext(connection) as second:
        again = client.get("/kerko/?q=samsnug+55").content.decode()
    # then: the answer is the same, without looking the word up again
    assert "/kerko/?q=samsung" in html and "/kerko/?q=samsung+55" in again
    assert len(second.captured_queries) < len(first.captured_queries)


def _revision(request) -> int:  # type: ignore[no-untyped-def]
    from catalog.selectors import catalog_revision_for

    return catalog_revision_for(request)


def _samsungs(catalogue: Catalogue) -> list:  # type: ignore[type-arg]
    from catalog.selectors import product_visible

    ids = [catalogue.samsung_tv.pk, catalogue.samsung_washer.pk]
    return list(product_visible().filter(pk__in=ids).order_by("pk"))
