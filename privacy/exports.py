"""Downloads of a customer's data (P12): asked for with the password, built by a task,
mailed as a signed link that works only for that customer, deleted when it expires.

The ZIP is sealed under a random key of its own (privacy/sealed_files.py) and named
by the export's id and a digest of that key, never by the person. The key is kept on
the export's row, sealed by the keyring when the column is wide enough to hold the
sealed token, as hex until then; deleting the row leaves the file unreadable, and the
post_delete receiver (privacy/signals.py) deletes the file once the deletion commits.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Language, User
from accounts.services import account_lock_open
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.audit import access_record
from privacy.crypto import DecryptionError, keyring
from privacy.export import archive_write
from privacy.export_sections import export_personal_fields
from privacy.fields import associated_data
from privacy.models import (
    AccessAction,
    AccessBasis,
    ActorKind,
    DataExport,
    ExportStatus,
    Job,
)
from privacy.sealed_files import SealedFileError, new_file_key, sealed_chunks
from privacy.selectors import data_exports_for

logger = logging.getLogger(__name__)

LINK_SALT = "privacy.data-export"
FILE_SUFFIX = ".zip.enc"
# A half-written file older than this belonged to a build that died.
STALE_PARTIAL = timedelta(days=1)
_FILE_NAME = re.compile(r"^(\d+)-[0-9a-f]{24}\.zip\.enc$")


class PasswordIncorrect(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Fjalëkalimi nuk është i saktë. Nuk përgatitëm asnjë skedar."),
            code="password_incorrect",
        )


class ExportUnavailable(Exception):
    """Not this person's download, not ready, expired, or its file is gone: a 404 for all."""


def export_dir() -> Path:
    return Path(settings.DATA_EXPORT_DIR)


def link_lifetime() -> timedelta:
    return timedelta(days=settings.DATA_EXPORT_LINK_DAYS)


def _associated(export: DataExport) -> bytes:
    return associated_data(DataExport, "file_key", export.public_id)


def _file_path(export: DataExport, key: bytes) -> Path:
    digest = hashlib.sha256(b"fejzo-export-file\x00" + key).hexdigest()[:24]
    return export_dir() / f"{export.pk}-{digest}{FILE_SUFFIX}"


def _key_stored(export: DataExport, key: bytes) -> str:
    """Return the key as the row keeps it: sealed under the newest encryption key.

    A copy of the files and the database is then no more use without the keys than
    the database alone. Files live DATA_EXPORT_LINK_DAYS: keep a retired key at least
    that long after `rotate_keys`.
    """
    return keyring().seal(base64.urlsafe_b64encode(key).decode(), _associated(export))


def _key_of(export: DataExport) -> bytes:
    return base64.urlsafe_b64decode(keyring().open(export.file_key, _associated(export)))


def data_export_files_delete(*, export_id: int) -> int:
    """Delete every file of this export (finished or half-written); return how many."""
    deleted = 0
    for path in export_dir().glob(f"{int(export_id)}-*{FILE_SUFFIX}*"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            deleted += 1
    return deleted


def data_export_request(*, user: User, password: str, language: str) -> DataExport:
    """Queue a download of everything about `user`, once their password is confirmed.

    One download waits at a time: asking again while one is queued returns that one.
    The build task is queued in the same transaction as the row (as mail is).
    """
    if not user.check_password(password):
        raise PasswordIncorrect
    if language not in Language.values:
        language = user.language
    # Imported here: the task module imports this one.
    from privacy.tasks import data_export_build_task

    with transaction.atomic():
        # The account's row lock makes two requests at once queue one download.
        account_lock_open(user)
        queued = data_exports_for(user).filter(status=ExportStatus.QUEUED).first()
        if queued is not None:
            return queued
        export = DataExport.objects.create(
            user=user, language=language, requested_at=timezone.now()
        )
        data_export_build_task.enqueue(str(export.pk))
    return export


def data_export_link(export: DataExport) -> str:
    """Return the signed download address mailed to the customer (valid DATA_EXPORT_LINK_DAYS)."""
    token = signing.dumps(export.public_id, salt=LINK_SALT)
    with translation.override(export.user.language):
        path = reverse("privacy:export_download", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


def data_export_for_token(*, token: str, user: Any) -> DataExport | None:
    """Return the export a link names if the link is genuine, unexpired, and `user`'s."""
    try:
        public_id = signing.loads(token, salt=LINK_SALT, max_age=link_lifetime())
    except signing.BadSignature:
        return None
    if not isinstance(public_id, str) or not getattr(user, "pk", None):
        return None
    return data_exports_for(user).filter(public_id=public_id).first()


def _write_file(export: DataExport, key: bytes, *, now: datetime) -> tuple[Path, int, list[str]]:
    """Write the sealed ZIP beside its final name, then move it there in one step."""
    final = _file_path(export, key)
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
                associated=_associated(export),
                now=now,
            )
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, final)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return final, summary.size, summary.fields


def _mail_ready(export: DataExport) -> None:
    user = export.user
    mail_enqueue(
        kind=MailKind.DATA_EXPORT_READY,
        to_address=user.email,
        language=user.language,
        recipient=user,
        context={
            "first_name": user.first_name,
            "download_url": data_export_link(export),
            "expires_at": export.expires_at,
            "valid_days": settings.DATA_EXPORT_LINK_DAYS,
        },
    )


def data_export_build(*, export_id: int, now: datetime | None = None) -> DataExport | None:
    """Build a queued download, record the job's read, and mail the link; run twice, once.

    A download that is no longer queued (ready, failed, expired or deleted) is left as it
    is. Two runs at once both write a file; the one that marks the row ready keeps its
    file, the other deletes its own. A build that fails marks the download failed, so
    the customer may ask again.
    """
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.QUEUED:
        return export
    now = now or timezone.now()
    key = new_file_key()
    try:
        path, size, fields = _write_file(export, key, now=now)
    except Exception:
        logger.exception("data export failed", extra={"export_id": export_id})
        DataExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED
        )
        raise
    with transaction.atomic():
        locked = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, status=ExportStatus.QUEUED)
            .first()
        )
        if locked is None:
            path.unlink(missing_ok=True)
            return DataExport.objects.filter(pk=export_id).first()
        locked.status = ExportStatus.READY
        locked.file_key = _key_stored(locked, key)
        locked.size = size
        locked.ready_at = now
        locked.expires_at = now + link_lifetime()
        locked.save(update_fields=["status", "file_key", "size", "ready_at", "expires_at"])
        access_record(
            actor=None,
            actor_kind=ActorKind.JOB,
            actor_label=Job.BUILD_EXPORT,
            subject_id=locked.user_id,
            action=AccessAction.EXPORT,
            fields=fields,
            basis=AccessBasis.DATA_REQUEST,
            reference=locked.public_id,
        )
        _mail_ready(locked)
    return locked


def data_export_open(
    *, export: DataExport, user: Any, now: datetime | None = None
) -> Iterator[bytes]:
    """Return the ZIP's bytes, opened chunk by chunk; raise ExportUnavailable if it may not be.

    Only the customer the download is about opens it, only while it is ready and
    unexpired. The file is opened here, so a missing or foreign file fails before any
    byte is given.
    """
    now = now or timezone.now()
    usable = (
        export.user_id == getattr(user, "pk", None)
        and export.status == ExportStatus.READY
        and export.expires_at is not None
        and export.expires_at > now
        and bool(export.file_key)
    )
    if not usable:
        raise ExportUnavailable
    try:
        key = _key_of(export)
        source = _file_path(export, key).open("rb")
    except (OSError, ValueError, DecryptionError) as exc:
        raise ExportUnavailable from exc
    try:
        chunks = sealed_chunks(source, key=key, associated=_associated(export))
    except SealedFileError as exc:
        source.close()
        raise ExportUnavailable from exc

    def stream() -> Iterator[bytes]:
        with source:
            yield from chunks

    return stream()


def data_export_download(*, export: DataExport, user: Any) -> Iterator[bytes]:
    """Open the download for its customer, noting when they took it and recording the read.

    The entry keeps no network address: the access record's addresses are staff's,
    kept for the customer's protection, and the record outlives every erasure.
    """
    stream = data_export_open(export=export, user=user)
    now = timezone.now()
    with transaction.atomic():
        DataExport.objects.filter(pk=export.pk).update(downloaded_at=now)
        export.downloaded_at = now
        access_record(
            actor=user,
            actor_kind=ActorKind.CUSTOMER,
            subject_id=export.user_id,
            action=AccessAction.EXPORT,
            fields=export_personal_fields(),
            basis=AccessBasis.DATA_REQUEST,
            reference=export.public_id,
        )
    return stream


@dataclass(frozen=True)
class ExportState:
    """One of a customer's downloads, as their account page shows it."""

    requested_at: datetime
    status: str
    label: str
    expires_at: datetime | None
    downloaded_at: datetime | None


def data_export_states(
    *, user: User, limit: int = 5, now: datetime | None = None
) -> list[ExportState]:
    """Return the customer's latest downloads, an unexpired ready one told from an expired one."""
    now = now or timezone.now()
    states = []
    for export in data_exports_for(user)[:limit]:
        status = ExportStatus(export.status)
        if status == ExportStatus.READY and (export.expires_at is None or export.expires_at <= now):
            status = ExportStatus.EXPIRED
        states.append(
            ExportState(
                requested_at=export.requested_at,
                status=status.value,
                label=str(status.label),
                expires_at=export.expires_at,
                downloaded_at=export.downloaded_at,
            )
        )
    return states


def data_exports_expire(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Delete the downloads whose link has expired, and their files; return how many.

    For the retention job (Retention.EXPORT_LINK). Also deletes downloads that failed
    or stayed queued for longer than a link lives, and files no download owns any more
    (a build that died between writing its file and marking the row). The rows go
    here; their files go when the deletion commits (privacy/signals.py).
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
