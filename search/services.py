"""Search writes: the documents products are found by, and the cache synonyms ride on."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator

from django.db import connection, transaction

from catalog.models import Category, Product
from catalog.selectors import category_all, category_descendant_ids, category_path
from catalog.services import catalog_revision_bump
from search.models import SearchDocument
from search.query import stems, words

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
DOCUMENT_FIELDS = ["name_text", "meta_text", "parent_text", "code_text", "words"]
# Shorter words are never suggested by "did you mean" (nor found by trigrams).
SUGGESTED_WORD_MIN_LENGTH = 3


def _stemmed(*texts: str) -> str:
    return " ".join(stem for text in texts for stem in stems(text))


def search_document_build(*, product: Product, categories: dict[int, Category]) -> SearchDocument:
    """Return the (unsaved) document ``product`` is found by; ``categories`` by id."""
    category = categories.get(product.category_id, product.category)
    path = category_path(category=category, categories=categories.values())
    ancestors = [c for c in path if c.pk != category.pk]
    name = [product.name_sq, product.name_en]
    meta = [product.brand.name, category.name_sq, category.name_en]
    parents = [name for c in ancestors for name in (c.name_sq, c.name_en)]
    every_word = words(" ".join([*name, *meta, *parents]))
    return SearchDocument(
        product=product,
        name_text=_stemmed(*name),
        meta_text=_stemmed(*meta),
        parent_text=_stemmed(*parents),
        code_text=" ".join(words(product.sku)),
        words=" ".join(
            dict.fromkeys(
                word
                for word in every_word
                if word.isalpha() and len(word) >= SUGGESTED_WORD_MIN_LENGTH
            )
        ),
    )


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def search_documents_refresh(*, product_ids: Iterable[int] | None = None) -> int:
    """Write the documents of these products (None: every product); return how many.

    Runs in one transaction; the database's triggers update its own index from the rows.
    """
    categories = {category.pk: category for category in Category.objects.all()}
    products = Product.objects.select_related("brand", "category").order_by("pk")
    if product_ids is None:
        ids = list(products.values_list("pk", flat=True))
    else:
        ids = sorted(set(product_ids))
    written = 0
    with transaction.atomic():
        for chunk in _chunks(ids):
            documents = [
                search_document_build(product=product, categories=categories)
                for product in products.filter(pk__in=chunk)
            ]
            SearchDocument.objects.bulk_create(
                documents,
                update_conflicts=True,
                unique_fields=["product"],
                update_fields=DOCUMENT_FIELDS,
            )
            written += len(documents)
    return written


def search_documents_rebuild() -> int:
    """Write every product's document afresh, drop orphans, and rebuild SQLite's indexes."""
    with transaction.atomic():
        SearchDocument.objects.exclude(product__in=Product.objects.all()).delete()
        written = search_documents_refresh()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                for table in ("search_fts", "search_trigram"):
                    # FTS5's own command: re-read every row of the content table.
                    cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")  # noqa: S608
        # The listing pages cached with the old documents must not be served again.
        catalog_revision_bump()
    logger.info("Search documents rebuilt: %s", written)
    return written


def search_documents_for_brand(*, brand_id: int) -> int:
    """Refresh the documents of a brand's products (its name changed)."""
    ids = Product.objects.filter(brand_id=brand_id).values_list("pk", flat=True)
    return search_documents_refresh(product_ids=list(ids))


def search_documents_for_category(*, category_id: int) -> int:
    """Refresh the documents of the products in a category and every category below it."""
    categories = list(category_all())
    category = next((c for c in categories if c.pk == category_id), None)
    if category is None:
        return 0
    below = category_descendant_ids(category=category, categories=categories)
    ids = Product.objects.filter(category_id__in=below).values_list("pk", flat=True)
    return search_documents_refresh(product_ids=list(ids))


def synonyms_changed() -> None:
    """Make a changed synonym count at once, in every process: move the catalogue revision.

    The synonyms and every cached results page are keyed by it (search.selectors).
    """
    catalog_revision_bump()
