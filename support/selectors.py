"""Support case reads for the back office: counts and case numbers, never what was said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from support.models import CaseStatus, SupportCase


@dataclass(frozen=True)
class CaseQueueFigures:
    open: int
    unassigned: int
    opened_today: int


def case_queue_figures(*, now: datetime) -> CaseQueueFigures:
    """Return the open cases, those nobody has taken, and today's new ones (one query)."""
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    is_open = Q(status=CaseStatus.OPEN)
    figures = SupportCase.objects.aggregate(
        open=Count("pk", filter=is_open),
        unassigned=Count("pk", filter=is_open & Q(assigned_to__isnull=True)),
        opened_today=Count("pk", filter=Q(opened_at__gte=start)),
    )
    return CaseQueueFigures(**figures)


def cases_open_oldest(*, limit: int) -> QuerySet[SupportCase]:
    """Return the open cases that have waited longest, with no personal field loaded."""
    return (
        SupportCase.objects.filter(status=CaseStatus.OPEN)
        .order_by("opened_at", "pk")
        .only("pk", "channel", "status", "opened_at", "assigned_to_id")[:limit]
    )
