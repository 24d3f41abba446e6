"""Reads of the legal register (P11): who may see it, what a person may see of it, and counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import CharField, Count, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, ExtractYear
from django.utils import timezone

from legal.models import (
    NUMBER_PREFIX,
    AuthorityKind,
    LegalRequest,
    LegalRequestPerson,
    RequestOutcome,
)
from legal.services.errors import is_legal_officer
from privacy.models import AccessBasis


def legal_requests_visible_to(user: Any) -> QuerySet[LegalRequest]:
    """Return the requests this account may see: all of them for the officer, none otherwise."""
    if not is_legal_officer(user):
        return LegalRequest.objects.none()
    return LegalRequest.objects.all()


def _notice_withheld_on(day: date) -> Q:
    return Q(request__notice_withheld_until__gt=day)


def disclosures_shown_to(
    person: Any, *, now: datetime | None = None
) -> QuerySet[LegalRequestPerson]:
    """Return the disclosures of this person's data they may be shown now, oldest first.

    A disclosure whose notice the law or a court forbids stays out until that day.
    """
    today = timezone.localdate(now or timezone.now())
    return (
        LegalRequestPerson.objects.filter(person_id=person.pk, disclosed_at__isnull=False)
        .exclude(_notice_withheld_on(today))
        .select_related("request")
        .order_by("disclosed_at", "pk")
    )


def access_entries_hidden_on(day: date) -> Q:
    """Return the access-record entries of disclosures whose notice is still forbidden on `day`."""
    numbers = (
        LegalRequest.objects.filter(notice_withheld_until__gt=day)
        .annotate(number_text=Concat(Value(NUMBER_PREFIX), Cast("pk", CharField())))
        .values("number_text")
    )
    return Q(basis=AccessBasis.LEGAL_REQUEST, reference__in=numbers)


@dataclass(frozen=True)
class DashboardFigures:
    pending: int
    overdue: int
    notices_deferred: int
    next_notice_on: date | None


def legal_dashboard_figures(*, now: datetime | None = None) -> DashboardFigures:
    """Return the officer's figures: requests waiting, late, and notices still deferred."""
    today = timezone.localdate(now or timezone.now())
    pending = LegalRequest.objects.filter(outcome=RequestOutcome.PENDING).aggregate(
        waiting=Count("pk"), late=Count("pk", filter=Q(deadline__lt=today))
    )
    deferred = LegalRequestPerson.objects.filter(
        disclosed_at__isnull=False,
        notified_at__isnull=True,
        request__notice_withheld_until__gt=today,
    ).aggregate(count=Count("pk"), first=Min("request__notice_withheld_until"))
    return DashboardFigures(
        pending=pending["waiting"],
        overdue=pending["late"],
        notices_deferred=deferred["count"],
        next_notice_on=deferred["first"],
    )


def legal_requests_pending(*, limit: int) -> QuerySet[LegalRequest]:
    """Return the requests waiting for a decision, the nearest deadline first."""
    return LegalRequest.objects.filter(outcome=RequestOutcome.PENDING).order_by("deadline", "pk")[
        :limit
    ]


@dataclass(frozen=True)
class ReportRow:
    authority_kind: AuthorityKind
    # In the order of RequestOutcome.
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


def transparency_years(*, today: date | None = None) -> list[int]:
    """Return the years the report covers: each year a request was received, and this year."""
    today = today or timezone.localdate()
    years = set(
        LegalRequest.objects.annotate(year=ExtractYear("received_on")).values_list(
            "year", flat=True
        )
    )
    return sorted(years | {today.year}, reverse=True)


def transparency_report(*, year: int) -> list[ReportRow]:
    """Return the year's requests counted by kind of authority and outcome: counts only."""
    counts: dict[tuple[str, str], int] = {
        (kind, outcome): count
        for kind, outcome, count in LegalRequest.objects.filter(received_on__year=year)
        .values_list("authority_kind", "outcome")
        .annotate(count=Count("pk"))
        .values_list("authority_kind", "outcome", "count")
    }
    return [
        ReportRow(
            authority_kind=kind,
            counts=[counts.get((kind.value, outcome.value), 0) for outcome in RequestOutcome],
        )
        for kind in AuthorityKind
    ]


def people_disclosed_in(*, year: int) -> int:
    """Return how many accounts had data given to an authority in the year: a count."""
    return (
        LegalRequestPerson.objects.filter(disclosed_at__year=year)
        .values("person_id")
        .distinct()
        .count()
    )
