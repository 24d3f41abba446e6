"""Catalogue writes that every page cache depends on."""

from __future__ import annotations

from django.db.models import F

from catalog.models import CatalogRevision

REVISION_ROW = 1


def catalog_revision_bump() -> None:
    """Move the catalogue revision on, in the caller's transaction.

    Call it after any change a catalogue page shows (products, prices, stock,
    categories, brands); saves through the ORM call it by themselves (catalog/signals.py).
    """
    moved = CatalogRevision.objects.filter(pk=REVISION_ROW).update(number=F("number") + 1)
    if not moved:
        CatalogRevision.objects.get_or_create(pk=REVISION_ROW, defaults={"number": 1})
