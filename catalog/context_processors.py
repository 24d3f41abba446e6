from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from catalog.selectors import catalog_revision_for, category_roots
from catalog.seo import is_private_path
from privacy.pages import PRIVATE_SECTIONS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The categories every page's navigation shows, and the revision its cache keys on."""
    return {
        # Lazy, so pages that do not render the navigation (mail, errors), or find it
        # cached, do not query it.
        "nav_categories": SimpleLazyObject(lambda: list(category_roots())),
        "catalog_revision": SimpleLazyObject(lambda: catalog_revision_for(request)),
        "catalog_cache_seconds": settings.CATALOG_CACHE_SECONDS,
        # Read by {% sharedcache %} (core), which may not import the declarations.
        "page_is_private": page_is_private(request),
    }


def page_is_private(request: HttpRequest) -> bool:
    """Whether the page may be about a person, so nothing of it goes into a shared cache.

    A page of a section declared private (privacy.pages), under a private address, or
    at an address nothing matched (a mistyped token link is still a token).
    """
    match = getattr(request, "resolver_match", None)
    if match is None:
        return True
    if any(namespace in PRIVATE_SECTIONS for namespace in match.namespaces):
        return True
    return is_private_path(request.path)
