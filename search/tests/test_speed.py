"""A search nobody made before stays cheap (issue 14): cards rendered once per product and
revision, the count, the brand facet and the page from one read of the matches, each
stem's matches and each word's "did you mean" answer remembered per revision. Same page
as before, fewer queries."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.selectors import catalog_revision, product_for_cards, product_visible
from catalog.services import catalog_revision_bump
from catalog.tests.conftest import Catalogue
from catalog.tests.factories import ProductFactory
from catalog.views import product_cards
from search.query import parse, synonym_map
from search.selectors import FEW_RESULTS, _match_probe, search_match_ids

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


PROBED = [
    "samsung",
    "samsung lavatrice",
    "samsung dyson",
    "televizoret lg",
    "tv lg",
    "rroba",
    "washing machine beko",
    "lav-0020",
    "3vf 55",
    "pajisje shtepiake samsung",
    "e me per",
    "sams",
    "qwxzv oled",
]


@pytest.mark.parametrize("cached", [False, True])
def test_the_probe_from_each_stems_matches_answers_as_the_index(
    catalogue: Catalogue, cached: bool
) -> None:
    # given: synonyms, a phrase among them, so that alternatives hold several stems
    synonyms = synonym_map([("tv", ["televizor"]), ("rroba", ["washing machine", "lavatrice"])])
    revision = catalog_revision() if cached else None
    for query in PROBED:
        parsed = parse(query, synonyms=synonyms)
        # when: the probe answers from the stems' own matches (kept, or read afresh)
        found, known = _match_probe(parsed=parsed, words=parsed.words, revision=revision)
        # then: as the whole query, and each word alone, asked of the index
        expected = len(search_match_ids(parsed=parsed, limit=FEW_RESULTS))
        assert found == expected, query
        for word in parsed.words:
            alone = parse(word)
            if alone:
                assert known[word] == bool(search_match_ids(parsed=alone, limit=1)), word


def test_a_new_search_of_words_searched_before_asks_the_index_nothing(
    catalogue: Catalogue,
) -> None:
    client = Client()
    # given: each word searched before, alone
    client.get("/kerko/?q=beko")
    client.get("/kerko/?q=oled")
    # when: a search nobody made, of those words, finds nothing
    with CaptureQueriesContext(connection) as asked:
        html = client.get("/kerko/?q=beko+oled").content.decode()
    # then: its page is made without a lookup in the search index
    assert "0 produkte" in html
    assert not [q for q in asked.captured_queries if "search_" in q["sql"]]
    # and a change to the catalogue is seen at once: a new Beko OLED is found
    ProductFactory(name_sq="Televizor Beko OLED", brand=catalogue.beko, category=catalogue.oled)
    assert "1 produkt" in client.get("/kerko/?q=oled+beko").content.decode()


def test_a_card_reads_only_what_it_shows(catalogue: Catalogue, rf) -> None:  # type: ignore[no-untyped-def]
    # given: the products read for cards, and read whole
    ids = [catalogue.samsung_tv.pk, catalogue.beko_washer.pk]
    lean = list(product_for_cards().filter(pk__in=ids).order_by("pk"))
    whole = list(product_visible().filter(pk__in=ids).order_by("pk"))
    # when: their cards are made, then made again from the whole rows
    with CaptureQueriesContext(connection) as asked:
        cards = [str(card) for card in product_cards(rf.get("/"), products=lean)]
    cache.clear()
    # then: the same cards, and no field read later, one query each
    assert cards == [str(card) for card in product_cards(rf.get("/"), products=whole)]
    assert [q["sql"] for q in asked.captured_queries] == [
        q["sql"] for q in asked.captured_queries if "catalog_catalogrevision" in q["sql"]
    ]


def _revision(request) -> int:  # type: ignore[no-untyped-def]
    from catalog.selectors import catalog_revision_for

    return catalog_revision_for(request)


def _samsungs(catalogue: Catalogue) -> list:  # type: ignore[type-arg]
    from catalog.selectors import product_visible

    ids = [catalogue.samsung_tv.pk, catalogue.samsung_washer.pk]
    return list(product_visible().filter(pk__in=ids).order_by("pk"))
