"""Keep cached catalogue pages honest: any saved or deleted catalogue row moves the revision."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from catalog.models import Brand, Category, Product, ProductPhoto
from catalog.renditions import photo_files_delete_on_commit
from catalog.services import catalog_revision_bump


@receiver([post_save, post_delete], sender=Product, dispatch_uid="catalog.product_changed")
@receiver([post_save, post_delete], sender=Category, dispatch_uid="catalog.category_changed")
@receiver([post_save, post_delete], sender=Brand, dispatch_uid="catalog.brand_changed")
@receiver([post_save, post_delete], sender=ProductPhoto, dispatch_uid="catalog.photo_changed")
def catalogue_changed(sender: Any, **kwargs: Any) -> None:
    catalog_revision_bump()


@receiver(post_delete, sender=ProductPhoto, dispatch_uid="catalog.photo_files_delete")
def photo_deleted(sender: Any, instance: ProductPhoto, **kwargs: Any) -> None:
    """Remove a deleted photo's files (its product's deletion included), once committed."""
    photo_files_delete_on_commit(instance)
