"""Keep the search documents in step with the catalogue, and synonyms effective at once.

The catalogue imports nothing of the search: it saves its rows, and the search
receives Django's post_save. Bulk writes send no signal; who makes them calls
search_documents_refresh (demo.seed) or runs `manage.py search_rebuild`.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.models import Brand, Category, Product
from search.models import Synonym
from search.services import (
    search_documents_for_brand,
    search_documents_for_category,
    search_documents_refresh,
    synonyms_changed,
)


@receiver(post_save, sender=Product, dispatch_uid="search.product_saved")
def product_saved(sender: Any, instance: Product, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # fixtures load rows as they are; search_rebuild indexes them
        search_documents_refresh(product_ids=[instance.pk])


@receiver(post_save, sender=Brand, dispatch_uid="search.brand_saved")
def brand_saved(sender: Any, instance: Brand, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        search_documents_for_brand(brand_id=instance.pk)


@receiver(post_save, sender=Category, dispatch_uid="search.category_saved")
def category_saved(sender: Any, instance: Category, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        search_documents_for_category(category_id=instance.pk)


@receiver([post_save, post_delete], sender=Synonym, dispatch_uid="search.synonym_changed")
def synonym_changed(sender: Any, **kwargs: Any) -> None:
    synonyms_changed()
