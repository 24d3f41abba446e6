"""The breach register's watch (P14): every few minutes, remind the officer of the 72-hour
clock and write any notices a dead worker left unwritten."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from breaches.clock import breach_clock_reminders_send
from breaches.notices import breach_notices_pending, breach_notices_send
from core.daily import periodic_ensure, periodic_job

logger = logging.getLogger(__name__)

# A reminder is late by at most this much; the clock counts hours.
WATCH_EVERY = timedelta(minutes=10)


def breaches_watch_run() -> dict[str, int]:
    """Send the clock's reminders due and the notices waiting; each step on its own."""
    done = {"reminders": 0, "notices": 0}
    try:
        done["reminders"] = breach_clock_reminders_send()
    except Exception:
        logger.exception("breach clock reminders failed")
    for breach_id in breach_notices_pending():
        try:
            done["notices"] += breach_notices_send(breach_id=breach_id)
        except Exception:
            logger.exception("breach notices failed", extra={"breach": breach_id})
    return done


@periodic_job
@task(takes_context=True)
def breaches_watch(context: TaskContext) -> dict[str, int]:
    """Every few minutes: the 72-hour clock's reminders, and notices left unwritten."""
    try:
        return breaches_watch_run()
    finally:
        periodic_ensure(
            breaches_watch,
            run_after=timezone.now() + WATCH_EVERY,
            current_run=context.task_result.id,
            dead_after=2 * WATCH_EVERY,
        )
