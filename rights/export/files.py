"""The download's file in the private storage: named by number, sealed under its own key.

The ZIP is sealed under a random key of its own (privacy/sealed_files.py) and named
by the export's id and a digest of that key, never by the person. The key is kept on
the export's row, sealed by the keyring; deleting the row leaves the file unreadable,
and the post_delete receiver (rights/receivers.py) deletes the file once the deletion
commits.

The file lives in STORAGES["exports"] (core.storage): DATA_EXPORT_DIR, where it is
written whole, or a bucket shared by every machine (FEJZO_S3_BUCKET), so a download a
worker builds on one machine is served by the web process on another.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO, cast

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from core.storage import export_storage
from privacy.crypto import keyring
from privacy.fields import associated_data
from rights.export.document import archive_write
from rights.models import DataExport, ExportStatus

FILE_SUFFIX = ".zip.enc"
# A half-written file older than this belonged to a build that died.
STALE_PARTIAL = timedelta(days=1)
_FILE_NAME = re.compile(r"^(\d+)-[0-9a-f]{24}\.zip\.enc$")
# The sealed ZIP is built in memory up to this size, then in an unnamed temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def export_dir() -> Path:
    """Return the local folder of the downloads (used when no bucket is configured)."""
    return Path(settings.DATA_EXPORT_DIR)


def link_lifetime() -> timedelta:
    return timedelta(days=settings.DATA_EXPORT_LINK_DAYS)


def associated(export: DataExport) -> bytes:
    return associated_data(DataExport, "file_key", export.public_id)


def file_name(export: DataExport, key: bytes) -> str:
    """Return the file's name in the exports storage."""
    digest = hashlib.sha256(b"fejzo-export-file\x00" + key).hexdigest()[:24]
    return f"{export.pk}-{digest}{FILE_SUFFIX}"


def key_stored(export: DataExport, key: bytes) -> str:
    """Return the key as the row keeps it: sealed under the newest encryption key.

    A copy of the files and the database is then no more use without the keys than
    the database alone. Files live DATA_EXPORT_LINK_DAYS: keep a retired key at least
    that long after `rotate_keys`.
    """
    return keyring().seal(base64.urlsafe_b64encode(key).decode(), associated(export))


def key_of(export: DataExport) -> bytes:
    return base64.urlsafe_b64decode(keyring().open(export.file_key, associated(export)))


def file_write(export: DataExport, key: bytes, *, now: datetime) -> tuple[str, int, list[str]]:
    """Seal the ZIP, then store it whole under its final name.

    Return the file's name, its size and the fields it holds. Only sealed bytes leave
    memory (a temporary file past SPOOL_BYTES, unnamed and gone when closed); the
    storage writes the file in one step (core.storage), or the upload fails whole.
    """
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as sink:
        summary = archive_write(
            user=export.user,
            language=export.language,
            sink=cast(BinaryIO, sink),
            key=key,
            associated=associated(export),
            now=now,
        )
        sink.seek(0)
        name = export_storage().save(file_name(export, key), File(sink))
    return name, summary.size, summary.fields


def file_delete(name: str) -> None:
    """Delete one stored download file; one already gone is no error."""
    with contextlib.suppress(FileNotFoundError):
        export_storage().delete(name)


def _stored_names() -> list[str]:
    try:
        _folders, names = export_storage().listdir("")
    except FileNotFoundError:
        return []
    return list(names)


def data_export_files_delete(*, export_id: int, partial_only: bool = False) -> int:
    """Delete every file of this export (finished or half-written); return how many.

    With `partial_only`, only what a build left half-written.
    """
    prefix = f"{int(export_id)}-"
    deleted = 0
    for name in _stored_names():
        if not name.startswith(prefix) or FILE_SUFFIX not in name:
            continue
        if partial_only and not name.endswith(".part"):
            continue
        file_delete(name)
        deleted += 1
    return deleted


def data_exports_expire(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the downloads whose link has expired, and their files; return how many.

    For the retention job (Retention.EXPORT_LINK). Also deletes downloads that failed
    or stayed queued for longer than a link lives, and files no download owns any more
    (a build that died between writing its file and marking the row). The rows go
    here; their files go when the deletion commits (rights.receivers).
    """
    now = now or timezone.now()
    cutoff = now - link_lifetime()
    expired = DataExport.objects.filter(expires_at__lte=now) | DataExport.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.FAILED], requested_at__lte=cutoff
    )
    count = expired.count()
    if dry_run:
        return count
    with transaction.atomic():
        expired.delete()
    _orphans_delete(now=now)
    return count


def _orphans_delete(*, now: datetime) -> int:
    storage = export_storage()
    files: dict[int, list[str]] = {}
    for name in _stored_names():
        if name.endswith(".part"):
            with contextlib.suppress(FileNotFoundError):
                if now - storage.get_modified_time(name) > STALE_PARTIAL:
                    file_delete(name)
            continue
        found = _FILE_NAME.match(name)
        if found:
            files.setdefault(int(found.group(1)), []).append(name)
    live = set(DataExport.objects.filter(pk__in=files).values_list("pk", flat=True))
    deleted = 0
    for export_id, names in files.items():
        if export_id not in live:
            for name in names:
                file_delete(name)
                deleted += 1
    return deleted
