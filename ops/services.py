"""The markers the health endpoint reads: the worker's heartbeat and the chain's last walk."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from ops.models import Marker, MarkerKind
from privacy.audit import audit_verify

logger = logging.getLogger(__name__)


def marker_stamp(
    *, kind: MarkerKind, now: datetime, ok: bool = True, checked: int = 0, problem: str = ""
) -> Marker:
    """Move the marker of this kind to `now`, with its outcome; create it the first time."""
    with transaction.atomic():
        marker, _created = Marker.objects.update_or_create(
            kind=kind, defaults={"at": now, "ok": ok, "checked": checked, "problem": problem[:200]}
        )
    return marker


def worker_heartbeat_stamp(*, now: datetime | None = None) -> Marker:
    """Say that a worker took a task from the queue just now."""
    return marker_stamp(kind=MarkerKind.WORKER_HEARTBEAT, now=now or timezone.now())


def chain_verify_record(*, now: datetime | None = None) -> Marker:
    """Walk the access record's chain (privacy.audit.audit_verify) and keep the outcome.

    The health endpoint turns red when the last walk found the chain broken, or when no
    walk has finished for OPS_CHAIN_VERIFIED_MAX_HOURS.
    """
    started = now or timezone.now()
    report = audit_verify()
    if not report.intact:
        logger.error(
            "access record chain broken",
            extra={"checked": report.checked, "first_bad_seq": report.first_bad_seq},
        )
    return marker_stamp(
        kind=MarkerKind.CHAIN_VERIFIED,
        now=started,
        ok=report.intact,
        checked=report.checked,
        problem=report.problem,
    )


def task_results_prune(*, task_path: str, older_than: timedelta, now: datetime) -> int:
    """Delete the finished runs of one periodic task older than `older_than`; return how many.

    A heartbeat every minute would otherwise leave 1,440 rows a day in the task table.
    """
    deleted, _by_model = DBTaskResult.objects.filter(
        task_path=task_path,
        status=TaskResultStatus.SUCCESSFUL,
        finished_at__lt=now - older_than,
    ).delete()
    return deleted
