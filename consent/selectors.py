"""Reads of the cookie-consent ledger for the back office: counts only, never a browser (P7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, DateField, Q
from django.db.models.functions import TruncWeek

from consent.models import ConsentDecision, DecisionAction
from core.weeks import day_start, week_starts


@dataclass(frozen=True)
class ConsentWeek:
    """One week's cookie decisions: how many, and how many allowed each kind of cookie."""

    week: date
    decisions: int = 0
    analytics: int = 0
    personalisation: int = 0
    refused: int = 0


def consent_decisions_by_week(*, today: date, weeks: int) -> list[ConsentWeek]:
    """Return the decisions of the last `weeks` weeks, oldest first, in one query.

    A decision linked to an account at sign-in repeats one already made, so it is not
    counted again. A week without decisions is there with zeros.
    """
    starts = week_starts(today=today, weeks=weeks)
    rows = (
        ConsentDecision.objects.filter(decided_at__gte=day_start(starts[0]))
        .exclude(action=DecisionAction.LINK_ACCOUNT)
        .annotate(week=TruncWeek("decided_at", output_field=DateField()))
        .order_by()
        .values("week")
        # Named apart from the fields they count: an alias equal to a field's name would
        # stand for the count inside the other counts' filters.
        .annotate(
            decided=Count("pk"),
            allowed_analytics=Count("pk", filter=Q(analytics=True)),
            allowed_personalisation=Count("pk", filter=Q(personalisation=True)),
            refused_all=Count("pk", filter=Q(analytics=False, personalisation=False)),
        )
    )
    counted = {row["week"]: row for row in rows}
    return [
        ConsentWeek(
            week=start,
            decisions=row["decided"],
            analytics=row["allowed_analytics"],
            personalisation=row["allowed_personalisation"],
            refused=row["refused_all"],
        )
        if (row := counted.get(start))
        else ConsentWeek(week=start)
        for start in starts
    ]
