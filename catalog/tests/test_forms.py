from __future__ import annotations

from django.http import QueryDict

from catalog.forms import ProductFilterForm, ProductSearchForm
from catalog.selectors import ProductFilters, ProductSort

BRANDS = [("samsung", "Samsung"), ("lg", "LG")]


def _filters(query: str, form_class: type[ProductFilterForm] = ProductFilterForm):  # type: ignore[no-untyped-def]
    form = form_class(QueryDict(query), brand_choices=BRANDS)
    form.is_valid()
    return form, form.filters()


def test_empty_query_means_no_filters() -> None:
    form, filters = _filters("")
    assert filters == ProductFilters()
    assert form.error_messages_flat() == []


def test_valid_filters_are_read() -> None:
    _form, filters = _filters(
        "brand=samsung&brand=lg&min_price=100&max_price=900&in_stock=1&sort=price_desc"
    )
    assert filters == ProductFilters(
        brands=("samsung", "lg"),
        min_price=100,
        max_price=900,
        in_stock=True,
        sort=ProductSort.PRICE_DESC,
    )


def test_bad_values_are_dropped_one_by_one_with_albanian_messages() -> None:
    form, filters = _filters("brand=samsung&min_price=-5&max_price=abc&sort=cheap&in_stock=1")
    assert filters == ProductFilters(brands=("samsung",), in_stock=True)
    messages = " ".join(form.error_messages_flat())
    assert "Çmimi minimal nuk mund të jetë negativ" in messages
    assert "Çmimi maksimal duhet të jetë numër i plotë" in messages
    assert "Renditja e zgjedhur nuk ekziston" in messages


def test_unknown_brand_drops_the_brand_filter() -> None:
    form, filters = _filters("brand=samsung&brand=nuk-ekziston&min_price=10")
    assert filters.brands == ()
    assert filters.min_price == 10
    assert "markat e zgjedhura nuk ekziston" in form.error_messages_flat()[0]


def test_too_many_brands_are_refused() -> None:
    form, filters = _filters("&".join(["brand=samsung"] * 51))
    assert filters.brands == ()
    assert form.errors


def test_overlong_numbers_and_inverted_range() -> None:
    _form, filters = _filters("min_price=" + "9" * 5000)
    assert filters.min_price is None
    form, filters = _filters("min_price=5000&max_price=10")
    assert (filters.min_price, filters.max_price) == (5000, None)
    assert "më i vogël se minimali" in form.error_messages_flat()[0]


def test_search_form_defaults_to_relevance_and_bounds_the_query() -> None:
    form, filters = _filters("q=samsung", ProductSearchForm)
    assert isinstance(form, ProductSearchForm)
    assert filters.sort == ProductSort.RELEVANCE
    assert form.query() == "samsung"
    form, _filters_ = _filters("q=" + "x" * 101, ProductSearchForm)
    assert isinstance(form, ProductSearchForm)
    assert form.query() == ""
    assert "deri në 100 shkronja" in form.error_messages_flat()[0]


def test_relevance_is_not_offered_outside_search() -> None:
    form, filters = _filters("sort=relevance")
    assert filters.sort == ProductSort.POPULAR
    assert form.errors
