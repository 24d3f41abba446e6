"""Retention schedules (P8, P12): each app declares, beside its fields, when its rows end.

Every `Retention` kind a field or model lives by has exactly one schedule: its period
(a setting), the rows past it, and how they end: through the erasure engine (each field
erased, anonymised or kept as declared, holds respected), deleted outright, or by the
app's own service. `rights.retention` applies them all daily; a test fails when a kind
in use has no schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from privacy.registry import Retention

YEAR = timedelta(days=365)


@dataclass(frozen=True)
class Period:
    """A run's moment, and the moment before which a row has outlived its schedule."""

    now: datetime
    cutoff: datetime


@dataclass(frozen=True)
class Schedule:
    retention: Retention
    setting: str
    unit: str  # "years", "days" or "seconds"
    # What happens at the end, for the operators' table in docs/retention.md.
    ending: str
    # The rows past their period.
    rows: Callable[[Period], Iterable[QuerySet[Any]]] | None = None
    # True: the rows end through the erasure engine, as the registry declares their
    # fields; False: they are deleted outright (they hold nothing kept for the law).
    erase: bool = False
    # An app's own end, for rules that are a service of theirs: (selected, done).
    apply: Callable[..., tuple[int, int]] | None = None

    def period(self) -> str:
        value, unit = getattr(settings, self.setting), self.unit
        if unit == "seconds" and value % 86400 == 0:
            value, unit = value // 86400, "days"
        return f"{value} {unit} (`{self.setting}`)"

    def period_at(self, now: datetime) -> Period:
        """Return this schedule's period as of `now`."""
        value = getattr(settings, self.setting)
        length = {"years": YEAR, "days": timedelta(days=1), "seconds": timedelta(seconds=1)}
        return Period(now=now, cutoff=now - value * length[self.unit])


class Schedules(Mapping[Retention, Schedule]):
    """The schedules the apps declared, in the order of the `Retention` kinds."""

    def __init__(self) -> None:
        self._by_kind: dict[Retention, Schedule] = {}

    def declare(self, schedule: Schedule) -> Schedule:
        """Register one kind's schedule; a kind has one, with rows or its own end."""
        if schedule.retention in self._by_kind:
            raise ValueError(f"{schedule.retention} already has a schedule.")
        if (schedule.rows is None) == (schedule.apply is None):
            raise ValueError(f"{schedule.retention}: give either rows or apply.")
        self._by_kind[schedule.retention] = schedule
        return schedule

    def __getitem__(self, kind: Retention) -> Schedule:
        return self._by_kind[kind]

    def __iter__(self) -> Iterator[Retention]:
        return iter(sorted(self._by_kind, key=list(Retention).index))

    def __len__(self) -> int:
        return len(self._by_kind)


SCHEDULES = Schedules()
retention_schedule = SCHEDULES.declare


def ended_by(service: Callable[..., int]) -> Callable[..., tuple[int, int]]:
    """Adapt an app's own `service(now=, dry_run=) -> count` to a schedule's end."""

    def apply(*, now: datetime, dry_run: bool) -> tuple[int, int]:
        selected = service(now=now, dry_run=True)
        if dry_run or not selected:
            return selected, 0
        return selected, service(now=now)

    return apply
