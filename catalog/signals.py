"""Keep cached catalogue pages honest, and tell the apps above the catalogue what was viewed.

Any saved or deleted catalogue row moves the revision; the product page sends
``product_viewed`` for the apps that build on the catalogue, which it does not import.
"""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from catalog.models import Brand, Category, Product
from catalog.services import catalog_revision_bump

# Sent by the product page once rendered, with ``request``, ``response`` (receivers may
# set cookies on it) and ``product_id``. Personalisation keeps the visitor's history (P7).
product_viewed = Signal()


def _catalogue_changed(sender: Any, **kwargs: Any) -> None:
    catalog_revision_bump()


def connect() -> None:
    for model in (Product, Category, Brand):
        for signal in (post_save, post_delete):
            uid = f"catalog.{model.__name__}.{id(signal)}"
            signal.connect(_catalogue_changed, sender=model, dispatch_uid=uid)
