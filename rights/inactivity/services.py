"""Accounts nobody uses (P12): warned a month before the limit, then erased.

An account unused for ACCOUNT_INACTIVE_YEARS is erased by the same engine as a request,
500 at a time, each batch selected again on its locked rows; the customer is mailed
ACCOUNT_INACTIVE_WARNING_DAYS before, and one sign-in keeps the account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from mail.models import MailKind
from mail.services import mail_enqueue
from rights.erasure.engine import ErasureCause, erase_people
from rights.models import OPEN_ERASURE_STATES, InactivityWarning

BATCH = 500
YEAR = timedelta(days=365)


def _last_seen() -> Any:
    return Coalesce("last_login", "date_joined")


def _customers() -> QuerySet[Any]:
    return User.objects.filter(is_staff=False, erasure__isnull=True).alias(seen=_last_seen())


def _warned_for_this_absence(user_id: int, seen: datetime) -> bool:
    return InactivityWarning.objects.filter(user_id=user_id, last_seen_at=seen).exists()


def inactive_accounts_warn(*, now: datetime, dry_run: bool) -> int:
    """Mail customers whose account reaches the inactivity limit within the warning period.

    Each customer is locked and checked again before the mail is written, so two runs
    at once (the daily task and the command) warn a customer once.
    """

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


@dataclass(frozen=True)
class InactivityOutcome:
    due: int
    erased: int
    warned: int


def inactive_accounts_erase(
    *, now: datetime, dry_run: bool, progress: Callable[[int], None] | None = None
) -> InactivityOutcome:
    """Warn who is due a warning, then erase who is past the limit, 500 at a time.

    Each batch is selected again on its locked rows: a customer who signs in while the
    run goes on is not erased.
    """

    warned = inactive_accounts_warn(now=now, dry_run=dry_run)
    due = inactive_accounts(now=now)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    if dry_run:
        return InactivityOutcome(due=len(ids), erased=0, warned=warned)
    erased = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        result = erase_people(batch, cause=ErasureCause.RETENTION, still_due=due)
        erased += len(result.pseudonyms)
        if progress:
            progress(len(batch))
    return InactivityOutcome(due=len(ids), erased=erased, warned=warned)
