"""Contractor reads for the back office: the jobs care must follow up, the agreements the
DPO must renew (P10)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, QuerySet, Subquery

from contractors.models import Agreement, ContractorCompany, Job, JobStatus
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


def _followed_on() -> Exists:
    """Whether a later agreement of the same company takes over, from the next day at most."""
    return Exists(
        Agreement.objects.filter(
            company=OuterRef("company"),
            ends_on__gt=OuterRef("ends_on"),
            signed_on__lte=OuterRef("ends_on") + timedelta(days=1),
        )
    )


def agreements_ending(*, today: date, days: int) -> QuerySet[Agreement]:
    """Return the agreements that end within `days` with nothing to follow on, soonest first.

    The same rule as the DPO's reminder (`agreements_ending_remind`): a company that
    already signed the next one is not ending.
    """
    return (
        Agreement.objects.filter(ends_on__gte=today, ends_on__lte=today + timedelta(days=days))
        .exclude(_followed_on())
        .select_related("company")
        .order_by("ends_on", "pk")
    )


def companies_working_without_agreement(*, today: date) -> QuerySet[ContractorCompany]:
    """Return the companies with open jobs and no agreement in force today (P10).

    Each carries `open_jobs` and `ended_on`, the day its last agreement ended (None:
    it never had one); the longest without one first.
    """
    open_jobs = (
        Job.objects.filter(company=OuterRef("pk"), status=JobStatus.OPEN)
        .order_by()
        .values("company")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        ContractorCompany.objects.exclude(
            Exists(Agreement.objects.valid_on(today).filter(company=OuterRef("pk")))
        )
        .annotate(
            open_jobs=Subquery(open_jobs, output_field=IntegerField()),
            ended_on=Max("agreements__ends_on"),
        )
        .filter(open_jobs__gt=0)
        .order_by("ended_on", "name", "pk")
    )


@dataclass(frozen=True)
class CompanyWithoutAgreement:
    company_id: int
    name: str
    open_jobs: int
    # The day its last agreement ended; None: it never had one.
    ended_on: date | None


@dataclass(frozen=True)
class AgreementsDue:
    ending: list[Agreement]
    ending_count: int
    lapsed: list[CompanyWithoutAgreement]
    lapsed_count: int


def agreements_due(*, today: date, days: int, limit: int) -> AgreementsDue:
    """Return what the DPO's panel shows: counts and the first of each, in four queries."""
    ending = agreements_ending(today=today, days=days)
    lapsed = companies_working_without_agreement(today=today)
    return AgreementsDue(
        ending=list(ending[:limit]),
        ending_count=ending.count(),
        lapsed=[
            CompanyWithoutAgreement(
                company_id=row["pk"],
                name=row["name"],
                open_jobs=row["open_jobs"],
                ended_on=row["ended_on"],
            )
            # django-stubs does not see the annotations the queryset carries.
            for row in lapsed.values("pk", "name", "open_jobs", "ended_on")[:limit]  # type: ignore[misc]
        ],
        lapsed_count=lapsed.count(),
    )
