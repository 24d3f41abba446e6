from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from catalog.selectors import catalog_revision_for, category_roots


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The categories every page's navigation shows, and the revision its cache keys on."""
    return {
        # Lazy, so pages that do not render the navigation (mail, errors), or find it
        # cached, do not query it.
        "nav_categories": SimpleLazyObject(lambda: list(category_roots())),
        "catalog_revision": SimpleLazyObject(lambda: catalog_revision_for(request)),
        "catalog_cache_seconds": settings.CATALOG_CACHE_SECONDS,
    }
