"""Which images a product or category may name, and the address a page shows for one.

An image is a static file of the catalogue, named by its path under IMAGE_FOLDER
(``catalog/img/tv.svg``): never an internet address, never a path that climbs out of
the folder, always a picture, always a file that is there. Saves through
``full_clean`` refuse anything else; a value that reached the database some other way,
or a file that went missing, shows the placeholder and is logged once per process.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePosixPath

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

IMAGE_FOLDER = "catalog/img/"
IMAGE_EXTENSIONS = (".svg", ".png", ".jpg", ".jpeg", ".webp")
PRODUCT_PLACEHOLDER = "catalog/img/placeholder.svg"

# Folder and file names of letters, digits, "-", "_" and ".", each starting with a
# letter or digit: no scheme, host, "..", backslash, query or control character fits.
_PATH_SHAPE = re.compile(
    rf"{re.escape(IMAGE_FOLDER)}[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*"
)

# The paths this process has already reported missing: the log says it once, not per page.
_reported_missing: set[str] = set()


def _has_image_extension(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in IMAGE_EXTENSIONS


def _is_image_path(path: str) -> bool:
    return bool(_PATH_SHAPE.fullmatch(path)) and _has_image_extension(path)


def validate_catalog_image(value: str) -> None:
    """Refuse anything but the path of an existing picture in the catalogue's folder."""
    if not _PATH_SHAPE.fullmatch(value):
        raise ValidationError(
            _(
                "Imazhi shkruhet si rrugë e një skedari brenda „%(folder)s“, p.sh. "
                "catalog/img/tv.svg: pa adresë interneti, pa „..“ dhe pa hapësira."
            ),
            code="not_a_catalog_path",
            params={"folder": IMAGE_FOLDER},
        )
    if not _has_image_extension(value):
        raise ValidationError(
            _("Imazhi duhet të jetë skedar i llojit %(extensions)s."),
            code="not_an_image",
            params={"extensions": ", ".join(IMAGE_EXTENSIONS)},
        )
    if finders.find(value) is None:
        raise ValidationError(
            _(
                "Skedari „%(path)s“ nuk gjendet mes skedarëve statikë të dyqanit; "
                "kontrolloni emrin e tij."
            ),
            code="missing",
            params={"path": value},
        )


def _served_url(path: str) -> str | None:
    """Return the address of a static file that is there, or None."""
    if finders.find(path) is None and not staticfiles_storage.exists(path):
        return None
    try:
        # A manifest storage refuses a name it has no entry for (a file added since
        # collectstatic ran): that is a missing file too.
        return staticfiles_storage.url(path)
    except ValueError:
        return None


def catalog_image_url(path: str, *, placeholder: str | None) -> str | None:
    """Return the address to show for a stored image path.

    A blank path gives the placeholder (None when there is none); a path that breaks
    the rules or names a missing file gives the placeholder too, and is logged once.
    """
    if path and _is_image_path(path):
        url = _served_url(path)
        if url is not None:
            return url
    if path and path not in _reported_missing:
        _reported_missing.add(path)
        logger.warning("Catalogue image %r is not a static file; showing the placeholder.", path)
    return staticfiles_storage.url(placeholder) if placeholder else None
