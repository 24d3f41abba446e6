"""The download's file on disk: named by number, sealed under its own key, written whole.

The ZIP is sealed under a random key of its own (privacy/sealed_files.py) and named
by the export's id and a digest of that key, never by the person. The key is kept on
the export's row, sealed by the keyring; deleting the row leaves the file unreadable,
and the post_delete receiver (rights/receivers.py) deletes the file once the deletion
commits.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from privacy.crypto import keyring
from privacy.fields import associated_data
from rights.export.document import archive_write
from rights.models import DataExport, ExportStatus

FILE_SUFFIX = ".zip.enc"
# A half-written file older than this belonged to a build that died.
STALE_PARTIAL = timedelta(days=1)
_FILE_NAME = re.compile(r"^(\d+)-[0-9a-f]{24}\.zip\.enc$")


def export_dir() -> Path:
    return Path(settings.DATA_EXPORT_DIR)


def link_lifetime() -> timedelta:
    return timedelta(days=settings.DATA_EXPORT_LINK_DAYS)


def associated(export: DataExport) -> bytes:
    return associated_data(DataExport, "file_key", export.public_id)


def file_path(export: DataExport, key: bytes) -> Path:
    digest = hashlib.sha256(b"fejzo-export-file\x00" + key).hexdigest()[:24]
    return export_dir() / f"{export.pk}-{digest}{FILE_SUFFIX}"


def key_stored(export: DataExport, key: bytes) -> str:
    """Return the key as the row keeps it: sealed under the newest encryption key.

    A copy of the files and the database is then no more use without the keys than
    the database alone. Files live DATA_EXPORT_LINK_DAYS: keep a retired key at least
    that long after `rotate_keys`.
    """
    return keyring().seal(base64.urlsafe_b64encode(key).decode(), associated(export))


def key_of(export: DataExport) -> bytes:
    return base64.urlsafe_b64decode(keyring().open(export.file_key, associated(export)))


def file_write(export: DataExport, key: bytes, *, now: datetime) -> tuple[Path, int, list[str]]:
    """Write the sealed ZIP beside its final name, then move it there in one step.

    Return the file, its size and the fields it holds. A write that fails deletes its
    half-written file before it raises.
    """
    final = file_path(export, key)
    final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = final.with_name(f"{final.name}.{os.getpid()}.part")
    # Readable by the shop's own user only; O_EXCL: never write into another's file.
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as sink:
            summary = archive_write(
                user=export.user,
                language=export.language,
                sink=sink,
                key=key,
                associated=associated(export),
                now=now,
            )
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final, summary.size, summary.fields


def data_export_files_delete(*, export_id: int, partial_only: bool = False) -> int:
    """Delete every file of this export (finished or half-written); return how many.

    With `partial_only`, only what a build left half-written.
    """
    pattern = f"{int(export_id)}-*{FILE_SUFFIX}" + (".*.part" if partial_only else "*")
    deleted = 0
    for path in export_dir().glob(pattern):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
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
    directory = export_dir()
    if not directory.is_dir():
        return 0
    files: dict[int, list[Path]] = {}
    for path in directory.iterdir():
        name = path.name
        if name.endswith(".part"):
            modified = datetime.fromtimestamp(
                path.stat().st_mtime, tz=timezone.get_current_timezone()
            )
            if now - modified > STALE_PARTIAL:
                path.unlink(missing_ok=True)
            continue
        found = _FILE_NAME.match(name)
        if found:
            files.setdefault(int(found.group(1)), []).append(path)
    live = set(DataExport.objects.filter(pk__in=files).values_list("pk", flat=True))
    deleted = 0
    for export_id, paths in files.items():
        if export_id not in live:
            for path in paths:
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted
