"""Background work of the catalogue: the renditions of product photos.

The task keeps its address (`catalog.tasks.product_photo_renditions`) for runs already
queued; the work itself is catalog.renditions.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from catalog.models import ProductPhoto
from catalog.renditions import photo_renditions_make
from core.daily import stalled_work_requeuer

# A photo still without renditions this long after its upload lost its task.
RENDITIONS_STALLED_AFTER = timedelta(minutes=10)


@task()
def product_photo_renditions(photo_id: int) -> bool:
    """Make one photo's renditions; running it again for the same photo does nothing."""
    return photo_renditions_make(photo_id=photo_id)


def renditions_schedule(photo_id: int) -> None:
    """Queue the renditions of a photo, in the caller's transaction."""
    product_photo_renditions.enqueue(photo_id)


@stalled_work_requeuer("product photo(s) queued for resizing.")
def renditions_requeue_stalled() -> int:
    """Queue again the photos whose renditions were never made (a lost task, a dead worker).

    Safe to run at any time: the task does nothing for a photo that has its renditions.
    """
    stalled = ProductPhoto.objects.filter(
        renditions=[], created_at__lt=timezone.now() - RENDITIONS_STALLED_AFTER
    )
    count = 0
    for photo_id in stalled.values_list("pk", flat=True).iterator():
        renditions_schedule(photo_id)
        count += 1
    return count
