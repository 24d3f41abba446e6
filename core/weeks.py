"""Calendar weeks for counts over time: Monday to Sunday, in the shop's time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone


def week_starts(*, today: date, weeks: int) -> list[date]:
    """Return the Mondays of the last `weeks` weeks, oldest first; this week's is last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]


def day_start(day: date) -> datetime:
    """Return the first moment of `day` in the shop's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))
