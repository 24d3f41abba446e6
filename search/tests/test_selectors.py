"""The search over the stored documents (moved here from catalog's tests, and more)."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from catalog.models import Product
from catalog.selectors import ProductSort, product_sort
from catalog.tests.conftest import Catalogue
from catalog.tests.factories import ProductFactory
from search.query import synonym_map
from search.selectors import product_search, search_run

pytestmark = pytest.mark.django_db


def _skus(products) -> set[str]:  # type: ignore[no-untyped-def]
    return {product.sku for product in products}


def test_inactive_products_are_never_found(catalogue: Catalogue) -> None:
    hidden = cast(
        Product,
        ProductFactory(is_active=False, name_sq="Samsung i fshehur", brand=catalogue.samsung),
    )
    assert hidden not in product_search(query="samsung")
    assert hidden not in search_run(query="samsnug").products


def test_search_by_sku_exact_and_partial(catalogue: Catalogue) -> None:
    assert _skus(product_search(query="3VF-LAV-00201")) == {"3VF-LAV-00201"}
    assert _skus(product_search(query="lav-0020")) == {"3VF-LAV-00201", "3VF-LAV-00202"}


def test_search_by_brand(catalogue: Catalogue) -> None:
    assert _skus(product_search(query="Samsung")) == {"3VF-TV-00101", "3VF-LAV-00202"}
    assert _skus(product_search(query="beko")) == {"3VF-LAV-00201"}


def test_search_by_english_and_albanian_name(catalogue: Catalogue) -> None:
    assert _skus(product_search(query="washing machine")) == {"3VF-LAV-00201", "3VF-LAV-00202"}
    assert _skus(product_search(query="Televizor")) == {"3VF-TV-00101", "3VF-TV-00102"}


def test_search_by_category_name_and_the_categories_above(catalogue: Catalogue) -> None:
    assert _skus(product_search(query="OLED")) == {"3VF-TV-00102"}
    assert _skus(product_search(query="pajisje shtëpiake")) == {"3VF-LAV-00201", "3VF-LAV-00202"}


def test_search_needs_every_word(catalogue: Catalogue) -> None:
    assert _skus(product_search(query="samsung lavatriçe")) == {"3VF-LAV-00202"}
    assert _skus(product_search(query="samsung dyson")) == set()


def test_inflections_and_missing_diacritics_find_the_same(catalogue: Catalogue) -> None:
    televisions = {"3VF-TV-00101", "3VF-TV-00102"}
    for query in ["televizore", "televizorë", "Televizorët", "televizorin", "televizoreve"]:
        assert _skus(product_search(query=query)) == televisions, query
    for query in ["lavatrice", "lavatriçet", "LAVATRIÇEN"]:
        assert _skus(product_search(query=query)) == {"3VF-LAV-00201", "3VF-LAV-00202"}


def test_synonyms_widen_the_query(catalogue: Catalogue) -> None:
    synonyms = synonym_map([("tv", ["televizor"]), ("rroba", ["washing machine"])])
    assert _skus(product_search(query="tv lg", synonyms=synonyms)) == {"3VF-TV-00102"}
    assert _skus(product_search(query="rroba", synonyms=synonyms)) == {
        "3VF-LAV-00201",
        "3VF-LAV-00202",
    }


def test_a_typo_finds_the_likeliest_word(catalogue: Catalogue) -> None:
    outcome = search_run(query="samsnug")
    assert outcome.corrected == "samsung"
    assert outcome.showing_corrected
    assert _skus(outcome.products) == {"3VF-TV-00101", "3VF-LAV-00202"}
    both = search_run(query="samsnug lavatrice")
    assert (both.corrected, _skus(both.products)) == ("samsung lavatrice", {"3VF-LAV-00202"})


def test_no_correction_for_known_words_or_hopeless_ones(catalogue: Catalogue) -> None:
    assert search_run(query="samsung").corrected == ""
    assert search_run(query="samsung dyson").corrected == ""
    assert search_run(query="qwxzv").corrected == ""


def test_names_rank_above_categories(catalogue: Catalogue) -> None:
    ProductFactory(sku="3VF-TV-00999", name_sq="Mbajtëse muri", category=catalogue.televisions)
    ranked = list(product_sort(product_search(query="televizor"), sort=ProductSort.RELEVANCE))
    assert ranked[-1].sku == "3VF-TV-00999"
    assert all(product.rank > 0 for product in ranked)


@pytest.mark.parametrize(
    "query",
    ["", "   ", "(", "*", "\\", "'; DROP TABLE catalog_product; --", "a" * 500, "[", "%_", "'':*"],
)
def test_search_survives_odd_input(catalogue: Catalogue, query: str) -> None:
    list(product_sort(search_run(query=query).products, sort=ProductSort.RELEVANCE))


def test_postgres_uses_the_stored_vector(catalogue: Catalogue) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the tsvector is PostgreSQL's")
    sql = str(product_search(query="samsung").query)
    assert "to_tsquery" in sql and "to_tsvector" not in sql


def test_a_spelling_lookup_leaves_the_statement_timeout_as_it_was(catalogue: Catalogue) -> None:
    """The "did you mean" lookup bounds its own time, and only its own."""
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '7s'")
        assert search_run(query="samsnug").corrected == "samsung"
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "7s"


def test_a_spelling_lookup_cut_short_gives_no_suggestion(
    catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    real_execute = CursorWrapper.execute

    def slow(self: CursorWrapper, sql: str, params: Any = None) -> Any:
        if "word_similarity(" in sql:  # as if the lookup ran past its time
            sql = "SELECT pg_sleep(1), " + sql.removeprefix("SELECT ")
        return real_execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", slow)
    with transaction.atomic():
        assert search_run(query="samsnug").corrected == ""
        assert product_search(query="samsung").exists()  # the transaction goes on
