"""Serve public uploaded pictures from the default storage, where nothing else serves them.

Only files under settings.FEJZO_PUBLIC_MEDIA_FOLDERS, and only pictures, are served:
a folder of uploads that may hold personal data (a later support case's photos) is
not public just because it shares the storage. Files are read through the storage
API, so this works with the local folder, the in-memory storage of the test suite
(the browser tests' live server included) and any other backend.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_safe

# The only types served; names are given by the shop (a random token and one of these).
CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
# A file's name carries a random token and never changes content: cache it for a year.
CACHE_CONTROL = "public, max-age=31536000, immutable"


def _servable(name: str) -> bool:
    parts = name.split("/")
    return (
        any(name.startswith(folder) for folder in settings.FEJZO_PUBLIC_MEDIA_FOLDERS)
        and all(part not in ("", ".", "..") for part in parts)
        and "\\" not in name
        and "." + name.rsplit(".", 1)[-1].lower() in CONTENT_TYPES
    )


@require_safe
def media_serve(request: HttpRequest, name: str) -> FileResponse:
    """Return one public picture from the default storage, or 404."""
    if not _servable(name):
        raise Http404
    try:
        stored = default_storage.open(name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation, ValueError) as missing:
        raise Http404 from missing
    content_type = CONTENT_TYPES["." + name.rsplit(".", 1)[-1].lower()]
    response = FileResponse(stored, content_type=content_type)
    response["Cache-Control"] = CACHE_CONTROL
    return response
