"""The customer's side of a download: ask with the password, follow the signed link,
take the file, and see how the latest requests went."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, cast

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Language, User
from accounts.services import account_lock_open
from core.storage import export_storage
from privacy.audit import access_record
from privacy.crypto import DecryptionError
from privacy.models import AccessAction, AccessBasis, ActorKind
from privacy.sealed_files import SealedFileError, sealed_chunks
from rights.export.build import data_export_build_task
from rights.export.files import associated, file_name, key_of, link_lifetime
from rights.export.links import LINK_SALT
from rights.export.sections import export_personal_fields
from rights.models import DataExport, ExportStatus
from rights.selectors import data_exports_for


class PasswordIncorrect(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Fjalëkalimi nuk është i saktë. Nuk përgatitëm asnjë skedar."),
            code="password_incorrect",
        )


class ExportUnavailable(Exception):
    """Not this person's download, not ready, expired, or its file is gone: a 404 for all."""


def data_export_request(*, user: User, password: str, language: str) -> DataExport:
    """Queue a download of everything about `user`, once their password is confirmed.

    One download waits at a time: asking again while one is queued returns that one.
    The build task is queued in the same transaction as the row (as mail is).
    """
    if not user.check_password(password):
        raise PasswordIncorrect
    if language not in Language.values:
        language = user.language
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


def data_export_for_token(*, token: str, user: Any) -> DataExport | None:
    """Return the export a link names if the link is genuine, unexpired, and `user`'s."""
    try:
        public_id = signing.loads(token, salt=LINK_SALT, max_age=link_lifetime())
    except signing.BadSignature:
        return None
    if not isinstance(public_id, str) or not getattr(user, "pk", None):
        return None
    return data_exports_for(user).filter(public_id=public_id).first()


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
        key = key_of(export)
        source = export_storage().open(file_name(export, key), "rb")
    except (OSError, ValueError, DecryptionError) as exc:
        raise ExportUnavailable from exc
    try:
        chunks = sealed_chunks(cast(BinaryIO, source), key=key, associated=associated(export))
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
