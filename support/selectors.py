"""Support case reads for the back office: counts and case numbers, never what was said."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from support.models import CaseAttachment, CaseExpert, CaseMessage, CaseStatus, SupportCase


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


def cases_of_customer(*, customer: Any) -> QuerySet[SupportCase]:
    """Return the customer's own cases, newest first, with how many messages each holds."""
    return (
        SupportCase.objects.filter(customer_id=customer.pk)
        .annotate(message_count=Count("messages"))
        .order_by("-opened_at", "-pk")
    )


def case_of_customer(*, customer: Any, case_id: int) -> SupportCase | None:
    """Return one of the customer's cases, or None for anyone else's."""
    return SupportCase.objects.filter(customer_id=customer.pk, pk=case_id).first()


def case_thread(*, case: SupportCase) -> QuerySet[CaseMessage]:
    """Return the case's messages in order, each with its photos (two queries in all)."""
    return (
        CaseMessage.objects.filter(case=case)
        .prefetch_related(
            Prefetch("attachments", queryset=CaseAttachment.objects.order_by("created_at", "pk"))
        )
        .order_by("created_at", "pk")
    )


def case_photo(*, case: SupportCase, photo_id: int) -> CaseAttachment | None:
    """Return one photo of this case, or None (another case's photo included)."""
    return CaseAttachment.objects.filter(case=case, pk=photo_id).first()


def expert_invitations_open(*, staff: Any) -> QuerySet[CaseExpert]:
    """Return the open cases `staff` was asked into and has not left; no case text loaded."""
    return (
        CaseExpert.objects.active()
        .filter(expert_id=staff.pk)
        .select_related("case")
        .only("pk", "reason", "invited_at", "case__id", "case__status", "case__opened_at")
    )
