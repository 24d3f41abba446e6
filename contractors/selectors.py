"""Contractor reads for the back office: the jobs care must follow up (P10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet

from contractors.models import Job, JobStatus
from orders.models import OrderStatus

# How far back care's landing page looks for deliveries to follow up.
FOLLOW_UP_DAYS = 14


def _taken_over() -> Exists:
    """Whether a later job of the same order (or case) and function took the work on."""
    later = Job.objects.filter(
        function=OuterRef("function"), created_at__gt=OuterRef("closed_at")
    ).filter(
        (Q(order__isnull=False) & Q(order=OuterRef("order")))
        | (Q(case__isnull=False) & Q(case=OuterRef("case")))
    )
    return Exists(later)


def jobs_failed_open(*, now: datetime) -> QuerySet[Job]:
    """Return the jobs not done in the last FOLLOW_UP_DAYS that no later job took over."""
    since = now - timedelta(days=FOLLOW_UP_DAYS)
    return (
        Job.objects.filter(status=JobStatus.FAILED, closed_at__gte=since)
        .exclude(_taken_over())
        .select_related("company", "function", "order")
        .order_by("-closed_at", "-pk")
    )


def deliveries_order_behind(*, now: datetime, slugs: frozenset[str]) -> QuerySet[Job]:
    """Return deliveries done in the last FOLLOW_UP_DAYS whose order is not marked delivered.

    The order had not been confirmed, or was cancelled meanwhile: only staff can settle it.
    """
    since = now - timedelta(days=FOLLOW_UP_DAYS)
    return (
        Job.objects.filter(
            status=JobStatus.DONE,
            closed_at__gte=since,
            function__slug__in=slugs,
            order__isnull=False,
        )
        .exclude(order__status=OrderStatus.DELIVERED)
        .select_related("company", "function", "order")
        .order_by("-closed_at", "-pk")
    )


@dataclass(frozen=True)
class FollowUps:
    failed: list[Job]
    failed_count: int
    behind: list[Job]
    behind_count: int


def follow_ups(*, now: datetime, slugs: frozenset[str], limit: int) -> FollowUps:
    """Return what care's panel shows: counts and the latest of each, in four queries."""
    failed = jobs_failed_open(now=now)
    behind = deliveries_order_behind(now=now, slugs=slugs)
    return FollowUps(
        failed=list(failed[:limit]),
        failed_count=failed.count(),
        behind=list(behind[:limit]),
        behind_count=behind.count(),
    )
