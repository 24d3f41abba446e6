"""A case's photos in the default storage: written once, read only through a checked view.

A photo has passed core.uploads.image_clean before it gets here: its type read from its
content, its size bounded, its EXIF (the place a phone photo was taken, the device) gone
with everything else but the pixels. It is kept under PHOTO_FOLDER with a random name,
a folder core.media never serves; the customer's page and the back office open it
through the storage API after checking who asks (support.views, support.admin).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Sequence

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction

from core.uploads import CleanImage
from support.models import CaseAttachment, CaseMessage, SupportCase

logger = logging.getLogger(__name__)

PHOTO_FOLDER = "support/cases/"
# Photos one message may carry; a mail's further ones are left out with a note.
MAX_PHOTOS_PER_MESSAGE = 5


def _storage_name(photo: CleanImage) -> str:
    return f"{PHOTO_FOLDER}{secrets.token_urlsafe(24)}.{photo.extension}"


def photos_store(
    *, case: SupportCase, message: CaseMessage, photos: Sequence[CleanImage]
) -> list[CaseAttachment]:
    """Write the photos to the storage and their rows, in the caller's transaction.

    A failure here deletes the files it wrote. Services call this last, after every
    check, so the transaction has nothing left to fail on but its commit.
    """
    stored: list[str] = []
    rows = []
    try:
        for photo in photos:
            name = default_storage.save(_storage_name(photo), photo.as_file("photo"))
            stored.append(name)
            rows.append(
                CaseAttachment.objects.create(
                    case=case,
                    message=message,
                    photo=name,
                    content_type=photo.format.content_type,
                    width=photo.width,
                    height=photo.height,
                    size=len(photo.content),
                )
            )
    except Exception:
        photo_files_delete(stored)
        raise
    return rows


def photo_open(attachment: CaseAttachment) -> File[bytes]:
    """Return the stored photo, opened for reading (FileNotFoundError if it is gone)."""
    return default_storage.open(attachment.photo, "rb")


def photo_files_delete(names: Iterable[str]) -> None:
    """Delete these files from the storage; a file already gone is no error."""
    for name in names:
        if not name.startswith(PHOTO_FOLDER):
            continue
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("A case photo could not be deleted from the storage.")


def photo_files_delete_on_commit(names: Sequence[str]) -> None:
    """Delete these files once the deletion of their rows commits, not before."""
    wanted = list(names)
    transaction.on_commit(lambda: photo_files_delete(wanted))
