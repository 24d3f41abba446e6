"""What the health checks and the metrics read: counts, ages and states, never a row's
personal fields, in a query or two each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from campaigns.models import Campaign, CampaignStatus, Delivery
from mail.models import OutboxMessage, OutboxStatus
from ops.models import Marker
from rights.models import OPEN_ERASURE_STATES, ErasureRequest

# A message is behind once it has been due for this long: a worker takes it in seconds.
OUTBOX_DUE_GRACE = timedelta(minutes=1)
UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)
TASK_STATES = (TaskResultStatus.READY, TaskResultStatus.RUNNING, TaskResultStatus.FAILED)
# Campaigns whose progress is worth a series: those on their way.
CAMPAIGNS_SHOWN = (CampaignStatus.SCHEDULED, CampaignStatus.SENDING)


@dataclass(frozen=True)
class OutboxSummary:
    """Messages due for longer than the grace and not delivered; the oldest unsent one."""

    due_backlog: int
    oldest_unsent_at: datetime | None


def markers_current() -> dict[str, Marker]:
    """Return the markers by kind."""
    return {marker.kind: marker for marker in Marker.objects.all()}


def outbox_summary(*, now: datetime) -> OutboxSummary:
    """Return the outbox's backlog and its oldest unsent message's time, in one query."""
    found = OutboxMessage.objects.filter(status__in=UNSENT).aggregate(
        due_backlog=Count(
            "pk",
            filter=Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now - OUTBOX_DUE_GRACE),
        ),
        oldest=Min("created_at"),
    )
    return OutboxSummary(due_backlog=found["due_backlog"] or 0, oldest_unsent_at=found["oldest"])


def outbox_counts() -> dict[str, int]:
    """Return how many outbox messages are in each state."""
    rows = OutboxMessage.objects.values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def task_counts() -> dict[tuple[str, str], int]:
    """Return the queued, running and failed task runs by (task path, status)."""
    rows = (
        DBTaskResult.objects.filter(status__in=TASK_STATES)
        .values("task_path", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["task_path"], row["status"]): row["n"] for row in rows}


def task_oldest_due(*, now: datetime) -> datetime | None:
    """Return when the longest-waiting task run that is due became due: the worker's lag."""
    found = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__lte=now
    ).aggregate(oldest=Min("run_after"))
    return found["oldest"]  # type: ignore[no-any-return]


def campaign_progress() -> dict[int, dict[str, int]]:
    """Return, for each campaign scheduled or sending, its deliveries by state."""
    rows = (
        Delivery.objects.filter(campaign__status__in=CAMPAIGNS_SHOWN)
        .values("campaign_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    progress: dict[int, dict[str, int]] = {
        pk: {}
        for pk in Campaign.objects.filter(status__in=CAMPAIGNS_SHOWN).values_list("pk", flat=True)
    }
    for row in rows:
        progress.setdefault(row["campaign_id"], {})[row["state"]] = row["n"]
    return progress


def erasure_queue() -> dict[str, tuple[int, datetime | None]]:
    """Return, for each open state of erasure requests, how many and the oldest's receipt."""
    rows = (
        ErasureRequest.objects.filter(state__in=OPEN_ERASURE_STATES)
        .values("state")
        .annotate(n=Count("pk"), oldest=Min("received_at"))
        .order_by()
    )
    found = {row["state"]: (row["n"], row["oldest"]) for row in rows}
    return {str(state): found.get(state, (0, None)) for state in OPEN_ERASURE_STATES}
