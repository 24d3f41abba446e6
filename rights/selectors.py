"""Reads of the rights a person used."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet

from rights.models import (
    OPEN_ERASURE_STATES,
    DataExport,
    ErasureRequest,
    ErasureState,
    LegalHold,
)


def data_exports_for(customer: Any) -> QuerySet[DataExport]:
    """Return this customer's downloads, newest first: only their own, whoever asks."""
    return DataExport.objects.filter(user_id=customer.pk)


# How far ahead the officer's landing page warns of a deadline.
DUE_SOON = timedelta(days=7)


@dataclass(frozen=True)
class ErasureDueFigures:
    open: int
    overdue: int
    due_soon: int
    # Confirmed by the person: the officer's to execute.
    awaiting_execution: int


def erasure_due_figures(*, now: datetime) -> ErasureDueFigures:
    """Return the open erasure requests, those past their deadline, and those due soon."""
    is_open = Q(state__in=OPEN_ERASURE_STATES)
    figures = ErasureRequest.objects.aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(due_at__lt=now)),
        due_soon=Count("pk", filter=is_open & Q(due_at__gte=now, due_at__lt=now + DUE_SOON)),
        awaiting_execution=Count("pk", filter=Q(state=ErasureState.VERIFIED)),
    )
    return ErasureDueFigures(**figures)


def holds_due_for_review(*, today: date) -> int:
    """Return how many holds still in place have come to their review date."""
    return LegalHold.objects.filter(lifted_at__isnull=True, review_on__lte=today).count()


def erasure_requests_due(*, limit: int) -> QuerySet[ErasureRequest]:
    """Return the open erasure requests whose deadline comes first (one query)."""
    return ErasureRequest.objects.filter(state__in=OPEN_ERASURE_STATES).order_by("due_at", "pk")[
        :limit
    ]
