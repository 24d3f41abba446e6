"""Keep cached catalogue pages honest: any saved or deleted catalogue row moves the revision."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from catalog.models import Brand, Category, Product
from catalog.services import catalog_revision_bump


def _catalogue_changed(sender: Any, **kwargs: Any) -> None:
    catalog_revision_bump()


def connect() -> None:
    for model in (Product, Category, Brand):
        for signal in (post_save, post_delete):
            uid = f"catalog.{model.__name__}.{id(signal)}"
            signal.connect(_catalogue_changed, sender=model, dispatch_uid=uid)
