"""Retention that runs itself (P12): every kind of retention the registry names has a schedule.

Each `Retention` value declared on a field or a model has exactly one schedule here:
its period (a setting), what it selects and what happens at the end. Ends go through
the erasure engine, so a field is erased, anonymised or kept exactly as the registry
declares, and legal holds are respected. `manage.py apply_retention` and the daily
task run them all; a test fails when a retention kind has no schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from privacy.registry import Retention, registry
from rights.inactivity.services import inactive_accounts_erase

logger = logging.getLogger(__name__)
YEAR = timedelta(days=365)


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


@dataclass(frozen=True)
class Schedule:
    retention: Retention
    setting: str
    unit: str  # "years" or "days"
    # What happens at the end, for the operators' table in docs/retention.md.
    ending: str
    apply: Callable[..., tuple[int, int]]

    def period(self) -> str:
        value, unit = getattr(settings, self.setting), self.unit
        if unit == "seconds" and value % 86400 == 0:
            value, unit = value // 86400, "days"
        return f"{value} {unit} (`{self.setting}`)"


def _rows_erased(rows: QuerySet[Any], *, dry_run: bool) -> tuple[int, int]:
    from rights.erasure.engine import erase_rows_matching

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


# --- Orders: anonymised after the accounting period; cancelled ones sooner --------------


def orders_anonymise(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from orders.models import Order, OrderStatus
    from rights.erasure.engine import erasable_left

    declaration = registry.of(Order)
    assert declaration is not None
    cancelled_before = now - timedelta(days=30 * settings.CANCELLED_ORDER_RETENTION_MONTHS)
    ended = Order.objects.filter(erasable_left(declaration)).filter(
        Q(placed_at__lt=now - YEAR * settings.ACCOUNTING_RETENTION_YEARS)
        | Q(status=OrderStatus.CANCELLED, placed_at__lt=cancelled_before)
    )
    return _rows_erased(ended, dry_run=dry_run)


def _outbox(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from mail.models import OutboxMessage, OutboxStatus

    done = OutboxMessage.objects.filter(
        status__in=(OutboxStatus.SENT, OutboxStatus.FAILED),
        created_at__lt=now - timedelta(days=settings.OUTBOX_RETENTION_DAYS),
    )
    return _rows_erased(done, dry_run=dry_run)


def _support_cases(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from support.models import CaseStatus, SupportCase

    closed = SupportCase.objects.filter(
        status=CaseStatus.CLOSED,
        closed_at__lt=now - YEAR * settings.SUPPORT_CASE_RETENTION_YEARS,
    )
    return _rows_erased(closed, dry_run=dry_run)


def _sign_in_attempts(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    from accounts.models import ThrottleCounter

    cutoff = now - timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    selected = done = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        found, deleted = _deleted(
            model.objects.filter(attempt_time__lt=cutoff),  # type: ignore[attr-defined]
            dry_run=dry_run,
        )
        selected, done = selected + found, done + deleted
    # Throttle counters (accounts.counters) are worth nothing once their window has ended.
    found, deleted = _deleted(ThrottleCounter.objects.filter(expires_at__lte=now), dry_run=dry_run)
    return selected + found, done + deleted


def _consent_ledger(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from consent.models import ConsentDecision

    cutoff = now - YEAR * settings.CONSENT_PROOF_RETENTION_YEARS
    return _deleted(ConsentDecision.objects.filter(decided_at__lt=cutoff), dry_run=dry_run)


def _unconfirmed_subscribers(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from subscriptions.services import unconfirmed_purge

    selected = unconfirmed_purge(now=now, dry_run=True)
    if dry_run or not selected:
        return selected, 0
    return selected, unconfirmed_purge(now=now)


def _suppressions(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from subscriptions.models import Suppression

    cutoff = now - YEAR * settings.SUPPRESSION_RETENTION_YEARS
    return _deleted(Suppression.objects.filter(created_at__lt=cutoff), dry_run=dry_run)


def _carts(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from cart.models import Cart

    cutoff = now - timedelta(days=settings.CART_RETENTION_DAYS)
    return _deleted(Cart.objects.filter(updated_at__lt=cutoff), dry_run=dry_run)


def _exports(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from rights.export import data_exports_expire

    selected = data_exports_expire(now=now, dry_run=True)
    if dry_run:
        return selected, 0
    return selected, data_exports_expire(now=now)


def _email_changes(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from accounts.models import EmailChange

    cutoff = now - timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT)
    return _deleted(EmailChange.objects.filter(created_at__lt=cutoff), dry_run=dry_run)


def _request_records(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from rights.models import ErasureRequest, ErasureState, LegalHold

    cutoff = now - YEAR * settings.REQUEST_RECORD_RETENTION_YEARS
    requests = ErasureRequest.objects.filter(
        Q(state=ErasureState.COMPLETED, completed_at__lt=cutoff)
        | Q(state=ErasureState.LAPSED, received_at__lt=cutoff)
    )
    holds = LegalHold.objects.filter(lifted_at__lt=cutoff)
    selected_requests, done_requests = _deleted(requests, dry_run=dry_run)
    selected_holds, done_holds = _deleted(holds, dry_run=dry_run)
    return selected_requests + selected_holds, done_requests + done_holds


def _accounts(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    outcome = inactive_accounts_erase(now=now, dry_run=dry_run)
    return outcome.due, outcome.erased


SCHEDULES: dict[Retention, Schedule] = {
    schedule.retention: schedule
    for schedule in (
        Schedule(
            Retention.ACCOUNT_LIFETIME,
            "ACCOUNT_INACTIVE_YEARS",
            "years",
            "Customer accounts with no sign-in for this long are erased; the customer is "
            "mailed ACCOUNT_INACTIVE_WARNING_DAYS before, and one sign-in keeps the account.",
            _accounts,
        ),
        Schedule(
            Retention.ACCOUNTING_PERIOD,
            "ACCOUNTING_RETENTION_YEARS",
            "years",
            "Orders are anonymised (totals and products stay); cancelled orders after "
            "CANCELLED_ORDER_RETENTION_MONTHS. The access record is an append-only hash "
            "chain and is not pruned yet (see CHANGELOG).",
            orders_anonymise,
        ),
        Schedule(
            Retention.UNTIL_DELIVERED,
            "OUTBOX_RETENTION_DAYS",
            "days",
            "Sent or failed mail is deleted from the outbox.",
            _outbox,
        ),
        Schedule(
            Retention.CASE_LIFETIME,
            "SUPPORT_CASE_RETENTION_YEARS",
            "years",
            "Closed support cases are deleted, unless a legal hold covers them.",
            _support_cases,
        ),
        Schedule(
            Retention.SECURITY_PERIOD,
            "SECURITY_LOG_RETENTION_DAYS",
            "days",
            "Sign-in attempts and lockout logs are deleted; throttle counters (mail asked "
            "for, failed sign-ins) once their window, an hour by default, has ended.",
            _sign_in_attempts,
        ),
        Schedule(
            Retention.CONSENT_PROOF,
            "CONSENT_PROOF_RETENTION_YEARS",
            "years",
            "Cookie decisions are deleted from the consent ledger.",
            _consent_ledger,
        ),
        Schedule(
            Retention.SUBSCRIPTION_LIFETIME,
            "SUBSCRIPTION_UNCONFIRMED_DAYS",
            "days",
            "Unconfirmed sign-ups and visitor addresses with no topic left are deleted.",
            _unconfirmed_subscribers,
        ),
        Schedule(
            Retention.SUPPRESSION,
            "SUPPRESSION_RETENTION_YEARS",
            "years",
            "The keyed hash is removed from the suppression list.",
            _suppressions,
        ),
        Schedule(
            Retention.CART,
            "CART_RETENTION_DAYS",
            "days",
            "Carts untouched for this long are deleted.",
            _carts,
        ),
        Schedule(
            Retention.EXPORT_LINK,
            "DATA_EXPORT_LINK_DAYS",
            "days",
            "The download file and its key are deleted when the link expires.",
            _exports,
        ),
        Schedule(
            Retention.CONFIRMATION_LINK,
            "EMAIL_CHANGE_TIMEOUT",
            "seconds",
            "Email-change requests are deleted once their link has expired.",
            _email_changes,
        ),
        Schedule(
            Retention.REQUEST_RECORD,
            "REQUEST_RECORD_RETENTION_YEARS",
            "years",
            "Completed or lapsed erasure requests (with their history) and lifted legal "
            "holds are deleted.",
            _request_records,
        ),
    )
}


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
    for retention, schedule in SCHEDULES.items():
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
            selected, done = schedule.apply(now=now, dry_run=dry_run)
        except Exception:
            # One schedule's failure must not keep the others' data: log it, go on.
            logger.exception("retention schedule failed", extra={"schedule": retention.value})
            outcomes.append(Outcome(retention, 0, 0, failed=True))
            continue
        outcomes.append(Outcome(retention, selected, done))
    return outcomes
