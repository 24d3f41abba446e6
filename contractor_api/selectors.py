"""Reads of the contractor API (P10): who a presented key is, and a page of its jobs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from contractor_api.keys import key_parse, secret_matches
from contractor_api.models import ApiToken
from contractors.access import ContractorActor, JobView, jobs_fields_read
from contractors.models import ContractorCompany, ContractorFunction, JobStatus

PAGE_SIZE = 50


def company_functions(company: ContractorCompany | int) -> QuerySet[ContractorFunction]:
    """Return the functions a company holds: those of its active people, in the register."""
    company_id = company if isinstance(company, int) else company.pk
    return ContractorFunction.objects.filter(
        people__company_id=company_id, people__active=True
    ).distinct()


def token_actor(presented: str, *, now: datetime | None = None) -> ContractorActor | None:
    """Return whom a presented key acts as, or None: malformed, unknown, wrong, revoked, expired.

    Its functions are those it is scoped to that its company still holds.
    """
    parsed = key_parse(presented)
    if parsed is None:
        return None
    prefix, secret = parsed
    token = ApiToken.objects.select_related("company").filter(prefix=prefix).first()
    if not secret_matches(secret, token.secret_hash if token is not None else None):
        return None
    assert token is not None
    if not token.active_at(now or timezone.now()):
        return None
    held = company_functions(token.company_id).filter(pk__in=token.functions.values("pk"))
    return ContractorActor(
        company_id=token.company_id,
        company_name=token.company.name,
        function_ids=frozenset(held.values_list("pk", flat=True)),
        token_label=token.label,
    )


@dataclass(frozen=True)
class JobPage:
    count: int
    page: int
    pages: int
    page_size: int
    views: list[JobView]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def jobs_page_read(
    *,
    actor: ContractorActor,
    day: date,
    status: JobStatus,
    page: int,
    ip_address: str | None,
    now: datetime | None = None,
) -> JobPage:
    """Return one page of the jobs the actor sees whose window starts on `day`, read.

    The rule's own jobs narrowed by day and status; the page's jobs are read and
    recorded together (`jobs_fields_read`), one entry per job.
    """
    start, end = day_bounds(day)
    count, views = jobs_fields_read(
        actor=actor,
        narrowed=Q(window_start__gte=start, window_start__lt=end, status=status),
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        ip_address=ip_address,
        now=now,
    )
    return JobPage(
        count=count,
        page=page,
        pages=max(1, math.ceil(count / PAGE_SIZE)),
        page_size=PAGE_SIZE,
        views=views,
    )
