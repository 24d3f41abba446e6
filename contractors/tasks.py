"""Contractor work the worker runs by itself (P10)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import TaskContext, task

from contractors.services import agreements_ending_remind
from core.daily import daily_ensure, daily_job


@daily_job
@task(takes_context=True)
def agreements_ending_reminder(context: TaskContext) -> int:
    """Daily: remind the DPO of agreements ending within 30 days, once each; queue the next run."""
    try:
        return agreements_ending_remind(today=timezone.localdate())
    finally:
        daily_ensure(agreements_ending_reminder, current_run=context.task_result.id)
