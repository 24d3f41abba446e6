"""The access record's anchor: every chain's head, recorded together every few minutes."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task

from core.daily import periodic_ensure, periodic_job
from privacy.audit import access_anchor

ANCHOR_EVERY = timedelta(minutes=10)


@periodic_job
@task(takes_context=True)
def access_chains_anchor(context: TaskContext) -> int | None:
    """Anchor the heads of the access record's chains; the anchor's id, None if none moved."""
    try:
        anchor = access_anchor()
        return anchor.pk if anchor is not None else None
    finally:
        periodic_ensure(
            access_chains_anchor,
            run_after=timezone.now() + ANCHOR_EVERY,
            current_run=context.task_result.id,
            dead_after=2 * ANCHOR_EVERY,
        )
