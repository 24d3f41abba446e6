"""The search documents follow the catalogue; synonyms count at once; the rebuild command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from catalog.models import Product
from catalog.selectors import catalog_revision
from catalog.tests.conftest import Catalogue
from catalog.tests.factories import ProductFactory
from search.models import SearchDocument, Synonym
from search.selectors import product_search, search_synonyms

pytestmark = pytest.mark.django_db


def _skus(products) -> set[str]:  # type: ignore[no-untyped-def]
    return {product.sku for product in products}


def test_every_saved_product_gets_its_document(catalogue: Catalogue) -> None:
    document = SearchDocument.objects.get(product=catalogue.samsung_tv)
    assert "televizor" in document.name_text.split()
    assert "samsung" in document.meta_text.split()
    assert document.parent_text.split() == ["tv", "audio", "tv", "audio"]
    assert document.code_text == "3vf tv 00101"
    assert "samsung" in document.words.split()


def test_renaming_a_product_brand_or_category_is_found_at_once(catalogue: Catalogue) -> None:
    catalogue.beko_washer.name_sq = "Lavatriçe Beko Tornado"
    catalogue.beko_washer.save()
    assert _skus(product_search(query="tornado")) == {"3VF-LAV-00201"}
    catalogue.lg.name = "Goldstar"
    catalogue.lg.save()
    assert _skus(product_search(query="goldstar")) == {"3VF-TV-00102"}
    catalogue.tv_audio.name_sq = "Ekrane"
    catalogue.tv_audio.save()
    assert _skus(product_search(query="ekrane")) == {"3VF-TV-00101", "3VF-TV-00102"}


def test_a_deleted_product_leaves_no_document(catalogue: Catalogue) -> None:
    product = ProductFactory(name_sq="Produkt që ikën")
    product.delete()
    assert not SearchDocument.objects.filter(product_id=product.pk).exists()
    assert not product_search(query="ikën").exists()


def test_a_changed_synonym_counts_without_restart(catalogue: Catalogue) -> None:
    before = catalog_revision()
    assert not product_search(query="rroba", synonyms=search_synonyms(revision=before)).exists()
    Synonym.objects.create(term="rroba", expansions="lavatriçe")
    after = catalog_revision()
    assert after != before  # cached synonyms and results pages are keyed by it
    found = product_search(query="rroba", synonyms=search_synonyms(revision=after))
    assert _skus(found) == {"3VF-LAV-00201", "3VF-LAV-00202"}


def test_search_rebuild_restores_lost_documents(catalogue: Catalogue) -> None:
    SearchDocument.objects.all().delete()
    Product.objects.filter(pk=catalogue.lg_oled.pk).update(name_sq="Televizor LG Evo")
    out = StringIO()
    call_command("search_rebuild", stdout=out)
    assert "4 search documents" in out.getvalue()
    assert _skus(product_search(query="evo")) == {"3VF-TV-00102"}


def test_search_rebuild_dry_run_changes_nothing(catalogue: Catalogue) -> None:
    SearchDocument.objects.all().delete()
    call_command("search_rebuild", "--dry-run", stdout=StringIO())
    assert not SearchDocument.objects.exists()


def test_the_starter_synonyms_are_there() -> None:
    terms = set(Synonym.objects.values_list("term", flat=True))
    assert {"celular", "kompjuter", "frigo", "tv", "telefon"} <= terms
