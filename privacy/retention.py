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
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation

from privacy.registry import Retention, registry

BATCH = 500
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
        return f"{getattr(settings, self.setting)} {self.unit} (`{self.setting}`)"


def _rows_erased(rows: QuerySet[Any], *, dry_run: bool) -> tuple[int, int]:
    from privacy.erasure import erase_rows_matching

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


# --- Accounts: warned a month before, then erased ---------------------------------------


def _last_seen() -> Any:
    return Coalesce("last_login", "date_joined")


def _customers() -> QuerySet[Any]:
    from accounts.models import User

    return User.objects.filter(is_staff=False, erasure__isnull=True).alias(seen=_last_seen())


def _warned_for_this_absence(user_id: int, seen: datetime) -> bool:
    from privacy.models import InactivityWarning

    return InactivityWarning.objects.filter(user_id=user_id, last_seen_at=seen).exists()


def inactive_accounts_warn(*, now: datetime, dry_run: bool) -> int:
    """Mail customers whose account reaches the inactivity limit within the warning period.

    Each customer is locked and checked again before the mail is written, so two runs
    at once (the daily task and the command) warn a customer once.
    """
    from accounts.models import User
    from mail.models import MailKind
    from mail.services import mail_enqueue
    from privacy.models import InactivityWarning

    limit = YEAR * settings.ACCOUNT_INACTIVE_YEARS
    warn_before = timedelta(days=settings.ACCOUNT_INACTIVE_WARNING_DAYS)
    due = (
        _customers()
        .filter(is_active=True, seen__lt=now - limit + warn_before)
        .exclude(inactivity_warning__last_seen_at=F("seen"))
    )
    if dry_run:
        return due.count()
    warned = 0
    for user_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            user = (
                User.objects.select_for_update()
                .annotate(last_seen=_last_seen())
                .filter(pk=user_id, is_active=True)
                .first()
            )
            if user is None or _warned_for_this_absence(user.pk, user.last_seen):
                continue
            InactivityWarning.objects.update_or_create(
                user=user, defaults={"last_seen_at": user.last_seen, "warned_at": now}
            )
            with translation.override(user.language):
                login_url = f"{settings.SITE_URL}{reverse('accounts:login')}"
            mail_enqueue(
                kind=MailKind.INACTIVITY_WARNING,
                to_address=user.email,
                language=user.language,
                recipient=user,
                context={
                    "first_name": user.first_name,
                    "years": settings.ACCOUNT_INACTIVE_YEARS,
                    "erase_on": max(user.last_seen + limit, now + warn_before),
                    "login_url": login_url,
                },
            )
        warned += 1
    return warned


def inactive_accounts(*, now: datetime) -> QuerySet[Any]:
    """Customers unused past the limit: warned long enough ago and not back since, or
    with sign-in already switched off (nobody to warn).

    Accounts with an erasure request under way are left to the request.
    """
    from privacy.models import OPEN_ERASURE_STATES

    limit = YEAR * settings.ACCOUNT_INACTIVE_YEARS
    warned_by = now - timedelta(days=settings.ACCOUNT_INACTIVE_WARNING_DAYS)
    warned_and_gone = Q(
        inactivity_warning__warned_at__lte=warned_by,
        inactivity_warning__last_seen_at=F("seen"),
    )
    return (
        _customers()
        .filter(seen__lt=now - limit)
        .filter(warned_and_gone | Q(is_active=False))
        .exclude(erasure_requests__state__in=OPEN_ERASURE_STATES)
    )


def inactive_accounts_erase(
    *, now: datetime, dry_run: bool, progress: Callable[[int], None] | None = None
) -> Outcome:
    """Warn who is due a warning, then erase who is past the limit, 500 at a time.

    Each batch is selected again on its locked rows: a customer who signs in while the
    run goes on is not erased.
    """
    from privacy.erasure import ErasureCause, erase_people

    warned = inactive_accounts_warn(now=now, dry_run=dry_run)
    due = inactive_accounts(now=now)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if dry_run:
        return Outcome(Retention.ACCOUNT_LIFETIME, len(ids), 0, warned)
    erased = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        result = erase_people(batch, cause=ErasureCause.RETENTION, still_due=due)
        erased += len(result.pseudonyms)
        if progress:
            progress(len(batch))
    return Outcome(Retention.ACCOUNT_LIFETIME, len(ids), erased, warned)


# --- Orders: anonymised after the accounting period; cancelled ones sooner --------------


def orders_anonymise(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from orders.models import Order, OrderStatus
    from privacy.erasure import erasable_left

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

    cutoff = now - timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    selected = done = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        found, deleted = _deleted(
            model.objects.filter(attempt_time__lt=cutoff),  # type: ignore[attr-defined]
            dry_run=dry_run,
        )
        selected, done = selected + found, done + deleted
    return selected, done


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
    from privacy.exports import data_exports_expire

    selected = data_exports_expire(now=now, dry_run=True)
    if dry_run:
        return selected, 0
    return selected, data_exports_expire(now=now)


def _email_changes(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from accounts.models import EmailChange

    cutoff = now - timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT)
    return _deleted(EmailChange.objects.filter(created_at__lt=cutoff), dry_run=dry_run)


def _request_records(*, now: datetime, dry_run: bool) -> tuple[int, int]:
    from privacy.models import ErasureRequest, ErasureState, LegalHold

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
    return outcome.selected, outcome.done


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
            "Sign-in attempts and lockout logs are deleted.",
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
                outcomes.append(
                    inactive_accounts_erase(
                        now=now,
                        dry_run=dry_run,
                        progress=partial(progress, retention) if progress else None,
                    )
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
