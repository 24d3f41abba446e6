"""The 72-hour clock to notify the Commissioner (IDP) of a breach, from its discovery (P14).

Shown on the breach's page and on the officer's landing page, and reminded by mail at
24 and 48 hours and when it runs out: each reminder once, however often the job runs.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from breaches.models import IDP_DEADLINE, Breach, BreachStatus, ClockReminder, ReminderStage
from core.clauses import enforces
from mail.models import MailKind
from staff.services import dpo_notify

logger = logging.getLogger(__name__)

# When each reminder falls due, counted from discovery.
STAGE_AFTER = {
    ReminderStage.HOURS_24: timedelta(hours=24),
    ReminderStage.HOURS_48: timedelta(hours=48),
    ReminderStage.OVERDUE: IDP_DEADLINE,
}
# Under this much time left, the clock is drawn to stand out.
URGENT_WITHIN = timedelta(hours=24)


class ClockState(enum.StrEnum):
    RUNNING = "running"
    OVERDUE = "overdue"
    MET = "met"
    LATE = "late"
    # Closed without the IDP notified: the officer judged it need not be (recorded).
    STOPPED = "stopped"


@dataclass(frozen=True)
class Clock:
    state: ClockState
    deadline: datetime
    # Time left while running; time past the deadline when overdue or late.
    remaining: timedelta
    # From discovery to the IDP's notification, once it was notified.
    took: timedelta | None = None

    @property
    def urgent(self) -> bool:
        return self.state == ClockState.OVERDUE or (
            self.state == ClockState.RUNNING and self.remaining <= URGENT_WITHIN
        )

    @property
    def text(self) -> str:
        """Say where the clock stands, in the active language."""
        deadline = timezone.localtime(self.deadline).strftime("%d.%m.%Y %H:%M")
        if self.state == ClockState.RUNNING:
            return gettext("Mbeten %(left)s për të njoftuar IDP-në (afati %(deadline)s).") % {
                "left": duration_text(self.remaining),
                "deadline": deadline,
            }
        if self.state == ClockState.OVERDUE:
            return gettext(
                "Afati për të njoftuar IDP-në kaloi %(past)s më parë (%(deadline)s)."
            ) % {"past": duration_text(self.remaining), "deadline": deadline}
        took = duration_text(self.took or timedelta(0))
        if self.state == ClockState.MET:
            return gettext("IDP u njoftua %(took)s pas zbulimit, brenda 72 orëve.") % {"took": took}
        if self.state == ClockState.LATE:
            return gettext("IDP u njoftua %(took)s pas zbulimit, pas afatit të 72 orëve.") % {
                "took": took
            }
        return gettext("Cenimi u mbyll pa njoftuar IDP-në.")


def clock_now() -> datetime:
    """Return the moment the pages read the clock at; a test puts its own in its place."""
    return timezone.now()


def duration_text(span: timedelta) -> str:
    """Return a span as hours and minutes: "41 orë e 12 minuta"."""
    minutes = max(int(span.total_seconds() // 60), 0)
    hours, minutes = divmod(minutes, 60)
    hours_text = ngettext("%(n)d orë", "%(n)d orë", hours) % {"n": hours}
    minutes_text = ngettext("%(n)d minutë", "%(n)d minuta", minutes) % {"n": minutes}
    if not hours:
        return minutes_text
    if not minutes:
        return hours_text
    return gettext("%(hours)s e %(minutes)s") % {"hours": hours_text, "minutes": minutes_text}


@enforces("P14", "the 72 hours to notify the Commissioner, shown and reminded")
def breach_clock(breach: Breach, *, now: datetime | None = None) -> Clock:
    """Return where the 72-hour clock of this breach stands at `now`."""
    now = now or timezone.now()
    deadline = breach.discovered_at + IDP_DEADLINE
    if breach.idp_notified_at is not None:
        took = breach.idp_notified_at - breach.discovered_at
        state = ClockState.MET if breach.idp_notified_at <= deadline else ClockState.LATE
        return Clock(state, deadline, abs(deadline - breach.idp_notified_at), took)
    if breach.status == BreachStatus.CLOSED:
        return Clock(ClockState.STOPPED, deadline, timedelta(0))
    if now <= deadline:
        return Clock(ClockState.RUNNING, deadline, deadline - now)
    return Clock(ClockState.OVERDUE, deadline, now - deadline)


def _stages_due(breach: Breach, now: datetime) -> list[ReminderStage]:
    return [stage for stage, after in STAGE_AFTER.items() if breach.discovered_at + after <= now]


def breach_clock_reminders_send(*, now: datetime | None = None) -> int:
    """Mail the officer about each open breach whose clock passed a stage; return how many.

    Once per stage: the stage's row (unique per breach) is written in the transaction
    that writes the mail to the outbox, so a second run, or one at the same time, finds
    it and sends nothing. A job that was down for a while sends only the latest stage
    due and counts the earlier ones as told.
    """
    now = now or timezone.now()
    sent = 0
    candidates = (
        Breach.objects.exclude(status=BreachStatus.CLOSED)
        .filter(
            idp_notified_at__isnull=True,
            discovered_at__lte=now - STAGE_AFTER[ReminderStage.HOURS_24],
        )
        .order_by("discovered_at")
    )
    for breach in candidates:
        try:
            with transaction.atomic():
                locked = (
                    Breach.objects.select_for_update(skip_locked=True)
                    .filter(pk=breach.pk, idp_notified_at__isnull=True)
                    .exclude(status=BreachStatus.CLOSED)
                    .first()
                )
                if locked is None:
                    continue
                told = set(locked.reminders.values_list("stage", flat=True))
                due = [stage for stage in _stages_due(locked, now) if stage not in told]
                if not due:
                    continue
                ClockReminder.objects.bulk_create(
                    [ClockReminder(breach=locked, stage=stage, sent_at=now) for stage in due]
                )
                _remind(locked, due[-1], now)
                sent += 1
        except IntegrityError:
            # Another run wrote the same stage first: it sent the mail.
            logger.info("breach reminder already sent", extra={"breach": breach.pk})
    return sent


def _remind(breach: Breach, stage: ReminderStage, now: datetime) -> None:
    clock = breach_clock(breach, now=now)
    path = reverse("admin:breaches_breach_change", args=[breach.pk])
    dpo_notify(
        kind=MailKind.BREACH_CLOCK,
        context={
            "number": breach.pk,
            "drill": breach.drill,
            "stage": stage.label,
            "overdue": stage == ReminderStage.OVERDUE,
            "discovered_at": timezone.localtime(breach.discovered_at),
            "deadline": timezone.localtime(clock.deadline),
            "url": f"{settings.SITE_URL}{path}",
        },
    )
