"""Retention that runs itself (P12): every schedule the apps declared, applied.

Each app declares its schedules beside its fields (privacy.retention). Rows that end
through the erasure engine lose each field as the registry declares, legal holds
respected; the others are deleted. `manage.py apply_retention` and the daily task run
them all; a test fails when a retention kind in use has no schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from privacy.registry import Retention, registry
from privacy.retention import SCHEDULES, Schedule
from rights.erasure.engine import erasable_left, erase_rows_matching
from rights.inactivity.services import inactive_accounts_erase

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    schedule: Retention
    # Rows (or accounts) past their period, and how many of them this run erased.
    selected: int
    done: int
    # Accounts told by mail that they will be erased (ACCOUNT_LIFETIME only).
    warned: int = 0
    # The schedule raised: logged, and the others still ran.
    failed: bool = False


def _rows_erased(rows: QuerySet[Any], *, dry_run: bool) -> tuple[int, int]:
    declaration = registry.of(rows.model)
    if declaration is not None and not declaration.erase_rows:
        # Rows whose fields were already erased are not redone.
        rows = rows.filter(erasable_left(declaration))
    selected = rows.count()
    if dry_run or not selected:
        return selected, 0
    return selected, erase_rows_matching(rows)


def _deleted(rows: QuerySet[Any], *, dry_run: bool) -> tuple[int, int]:
    selected = rows.count()
    if dry_run or not selected:
        return selected, 0
    deleted, _detail = rows.delete()
    return selected, selected if deleted else 0


def _schedule_apply(schedule: Schedule, *, now: datetime, dry_run: bool) -> tuple[int, int]:
    if schedule.apply is not None:
        return schedule.apply(now=now, dry_run=dry_run)
    assert schedule.rows is not None
    end = _rows_erased if schedule.erase else _deleted
    selected = done = 0
    for rows in schedule.rows(schedule.period_at(now)):
        found, ended = end(rows, dry_run=dry_run)
        selected, done = selected + found, done + ended
    return selected, done


def retention_kinds_in_use() -> Iterator[Retention]:
    """Yield every retention kind a declared field or model lives by."""
    seen: set[Retention] = set()
    for declaration in registry:
        kinds = [entry.retention for entry in declaration.fields.values()]
        if declaration.row_retention:
            kinds.append(declaration.row_retention)
        for kind in kinds:
            if kind not in seen:
                seen.add(kind)
                yield kind


def retention_apply(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[Retention, int], None] | None = None,
) -> list[Outcome]:
    """Run every schedule once; return what each selected and what it erased."""
    now = now or timezone.now()
    outcomes = []
    for retention in SCHEDULES:
        schedule = SCHEDULES[retention]
        try:
            if retention == Retention.ACCOUNT_LIFETIME:
                accounts = inactive_accounts_erase(
                    now=now,
                    dry_run=dry_run,
                    progress=partial(progress, retention) if progress else None,
                )
                outcomes.append(
                    Outcome(retention, accounts.due, accounts.erased, warned=accounts.warned)
                )
                continue
            selected, done = _schedule_apply(schedule, now=now, dry_run=dry_run)
        except Exception:
            # One schedule's failure must not keep the others' data: log it, go on.
            logger.exception("retention schedule failed", extra={"schedule": retention.value})
            outcomes.append(Outcome(retention, 0, 0, failed=True))
            continue
        outcomes.append(Outcome(retention, selected, done))
    return outcomes
