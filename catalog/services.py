"""Catalogue writes that every page cache depends on."""

from __future__ import annotations

from django.db.models import F

from catalog.models import CatalogRevision


def catalog_revision_bump() -> None:
    """Move the catalogue revision on, in the caller's transaction.

    Call it after any change a catalogue page shows (products, prices, stock,
    categories, brands); saves through the ORM call it by themselves (catalog/signals.py).
    """
    row = CatalogRevision.ROW
    moved = CatalogRevision.objects.filter(pk=row).update(number=F("number") + 1)
    if not moved:
        CatalogRevision.objects.get_or_create(pk=row, defaults={"number": 1})
