"""Building a download, in a task: written whole, marked ready once, mailed once, and
tried again with back-off when it fails.

Each try runs as its own task (`data_export_build_task`, below), the next one
queued with `run_after`, as mail delivery retries. A try that fails leaves no file; the
last failing try marks the download failed and tells the customer, who was promised a
mail, and every data-protection officer, whose erasure queue lists failed downloads.
The row's state, read under its lock, keeps every mail to one however often a try runs.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from core.clauses import enforces
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.audit import job_record
from privacy.models import AccessAction, AccessBasis, Job
from privacy.sealed_files import new_file_key
from rights.export.files import (
    data_export_files_delete,
    file_delete,
    file_write,
    key_stored,
    link_lifetime,
)
from rights.export.links import data_export_link
from rights.models import DataExport, ExportStatus
from staff.services import dpo_notify

logger = logging.getLogger(__name__)

# A build that fails is tried this many times in all, waiting 2, 8, then 32 minutes
# between tries, before the download is marked failed.
BUILD_ATTEMPTS = 4
RETRY_BASE = timedelta(minutes=2)
RETRY_FACTOR = 4
# Still queued this long after it was asked for, with no task waiting or running, a
# download's build died with its worker: the daily run gives it its last try.
STALLED_AFTER = timedelta(hours=2)
# Where the data-protection officer finds failed downloads: above the erasure queue.
FAILED_ANCHOR = "shkarkime-te-deshtuara"


def build_retry_delay(attempt: int) -> timedelta:
    """Return how long to wait after failed try number `attempt` (from 1): 2, 8, 32 minutes."""
    return RETRY_BASE * RETRY_FACTOR ** max(attempt - 1, 0)


@enforces("P12", "the person's download holds every declared field about them")
def data_export_build(
    *, export_id: int, attempt: int = 1, now: datetime | None = None
) -> DataExport | None:
    """Build a queued download, record the job's read, and mail the link; run twice, once.

    A download that is no longer queued (ready, failed, expired or deleted) is left as it
    is. Two runs at once both write a file; the one that marks the row ready keeps its
    file, the other deletes its own. A try that fails leaves no file behind and hands
    over to `data_export_build_failed`; a later try first deletes what an earlier one
    that died mid-way (its worker killed) left half-written.
    """
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != ExportStatus.QUEUED:
        return export
    if attempt > 1:
        # Tries follow one another, so a half-written file now is a dead try's.
        with contextlib.suppress(OSError):
            data_export_files_delete(export_id=export_id, partial_only=True)
    now = now or timezone.now()
    key = new_file_key()
    name: str | None = None
    try:
        name, size, fields = file_write(export, key, now=now)
        return _mark_ready(export_id, key=key, name=name, size=size, fields=fields, now=now)
    except Exception:
        logger.exception("data export failed", extra={"export_id": export_id, "attempt": attempt})
        if name is not None:
            # Written, but the row was not marked ready: its key is gone with the rollback.
            with contextlib.suppress(Exception):
                file_delete(name)
        return data_export_build_failed(export_id=export_id, attempt=attempt)


def _mark_ready(
    export_id: int, *, key: bytes, name: str, size: int, fields: list[str], now: datetime
) -> DataExport | None:
    with transaction.atomic():
        locked = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, status=ExportStatus.QUEUED)
            .first()
        )
        if locked is None:
            file_delete(name)
            return DataExport.objects.filter(pk=export_id).first()
        locked.status = ExportStatus.READY
        locked.file_key = key_stored(locked, key)
        locked.size = size
        locked.ready_at = now
        locked.expires_at = now + link_lifetime()
        locked.save(update_fields=["status", "file_key", "size", "ready_at", "expires_at"])
        job_record(
            job=Job.BUILD_EXPORT,
            subject_id=locked.user_id,
            fields=fields,
            reference=locked.public_id,
            action=AccessAction.EXPORT,
            basis=AccessBasis.DATA_REQUEST,
        )
        _mail_ready(locked)
    return locked


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


def data_export_build_failed(*, export_id: int, attempt: int) -> DataExport | None:
    """Queue the next try of a failed build or, after the last, mark the download failed.

    Marking it failed mails the customer that they may ask again, and every
    data-protection officer (numbers only, no personal value). A second run of the
    last try finds the download no longer queued and sends nothing.
    """
    with transaction.atomic():
        locked = (
            DataExport.objects.select_for_update()
            .select_related("user")
            .filter(pk=export_id, status=ExportStatus.QUEUED)
            .first()
        )
        if locked is None:
            return DataExport.objects.filter(pk=export_id).first()
        if attempt < BUILD_ATTEMPTS:
            run_after = timezone.now() + build_retry_delay(attempt)
            data_export_build_task.using(run_after=run_after).enqueue(str(export_id), attempt + 1)
            logger.info(
                "data export will be tried again",
                extra={"export_id": export_id, "attempt": attempt + 1},
            )
            return locked
        locked.status = ExportStatus.FAILED
        locked.save(update_fields=["status"])
        _mail_failed(locked)
        # The officers, in the same transaction: numbers and a link, nothing personal.
        queue = reverse("admin:rights_erasurerequest_changelist")
        dpo_notify(
            kind=MailKind.DATA_EXPORT_FAILED,
            context={
                "officer": True,
                "number": locked.pk,
                "account_number": locked.user_id,
                "requested_at": locked.requested_at,
                "attempts": attempt,
                "queue_url": f"{settings.SITE_URL}{queue}#{FAILED_ANCHOR}",
            },
        )
    logger.error("data export failed for good", extra={"export_id": export_id})
    # What a try that died left half-written goes now, not a day later.
    with contextlib.suppress(OSError):
        data_export_files_delete(export_id=export_id)
    return locked


def _mail_failed(export: DataExport) -> None:
    user = export.user
    with translation.override(user.language):
        path = reverse("rights:export_request")
    mail_enqueue(
        kind=MailKind.DATA_EXPORT_FAILED,
        to_address=user.email,
        language=user.language,
        recipient=user,
        context={
            "officer": False,
            "first_name": user.first_name,
            "requested_at": export.requested_at,
            "request_url": f"{settings.SITE_URL}{path}",
        },
    )


def data_exports_requeue_stalled(*, now: datetime | None = None) -> int:
    """Give its last try to each download whose build died with its worker; return how many.

    A download still queued STALLED_AFTER after it was asked for, with no build task
    waiting or running, lost its task. The last try deletes what the dead one left
    half-written and, should it fail too, tells the customer and the officer.
    """
    now = now or timezone.now()
    stalled = DataExport.objects.filter(
        status=ExportStatus.QUEUED, requested_at__lte=now - STALLED_AFTER
    ).values_list("pk", flat=True)
    live = DBTaskResult.objects.filter(
        task_path=data_export_build_task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    count = 0
    for export_id in stalled:
        if live.filter(args_kwargs__args__0=str(export_id)).exists():
            continue
        with transaction.atomic():
            data_export_build_task.enqueue(str(export_id), BUILD_ATTEMPTS)
        count += 1
    return count


def data_exports_failed() -> QuerySet[DataExport, Any]:
    """Return the downloads that failed for good, newest first: numbers and dates only."""
    return (
        DataExport.objects.filter(status=ExportStatus.FAILED)
        .order_by("-requested_at", "-id")
        .values("pk", "user_id", "requested_at")
    )


@task()
def data_export_build_task(export_id: str, attempt: int = 1) -> str:
    """Try to build one customer's download and mail the link; a failed try queues the next.

    Running it again builds nothing twice and mails nothing twice.
    """
    export = data_export_build(export_id=int(export_id), attempt=attempt)
    return export.status if export is not None else "gone"
