from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from core.daily import daily_ensure, next_daily_run
from subscriptions.tasks import purge_unconfirmed_subscribers

TIRANE = ZoneInfo("Europe/Tirane")


def test_next_daily_run_is_the_next_half_past_three_in_tirana():
    assert next_daily_run(datetime(2026, 11, 27, 2, 0, tzinfo=TIRANE)) == datetime(
        2026, 11, 27, 3, 30, tzinfo=TIRANE
    )
    assert next_daily_run(datetime(2026, 11, 27, 3, 30, tzinfo=TIRANE)) == datetime(
        2026, 11, 28, 3, 30, tzinfo=TIRANE
    )


@pytest.mark.django_db
def test_daily_jobs_are_queued_once_however_often_ensured():
    call_command("jobs_ensure", verbosity=0)
    call_command("jobs_ensure", verbosity=0)
    assert not daily_ensure(purge_unconfirmed_subscribers)
    runs = DBTaskResult.objects.filter(task_path=purge_unconfirmed_subscribers.module_path)
    assert runs.count() == 1


@pytest.mark.django_db
def test_a_periodic_run_left_running_by_a_dead_worker_does_not_stop_the_schedule():
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks.base import TaskResultStatus

    from campaigns.sending import campaigns_watchdog, watchdog_ensure

    # given a watchdog run its worker died in, ten minutes ago
    assert watchdog_ensure()
    run = DBTaskResult.objects.get(task_path=campaigns_watchdog.module_path)
    DBTaskResult.objects.filter(pk=run.pk).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(minutes=11)
    )
    # then the next ensure queues a new one
    assert watchdog_ensure()
    assert not watchdog_ensure()


@pytest.mark.django_db
def test_of_two_overlapping_periodic_runs_exactly_the_later_queues_the_next():
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks.base import TaskResultStatus

    from campaigns.sending import campaigns_watchdog, watchdog_ensure

    watchdog_ensure()
    first = DBTaskResult.objects.get(task_path=campaigns_watchdog.module_path)
    second = campaigns_watchdog.enqueue()
    now = timezone.now()
    DBTaskResult.objects.filter(pk=first.pk).update(
        status=TaskResultStatus.RUNNING, started_at=now - timedelta(seconds=2)
    )
    DBTaskResult.objects.filter(pk=second.id).update(
        status=TaskResultStatus.RUNNING, started_at=now - timedelta(seconds=1)
    )
    assert not watchdog_ensure(current_run=first.pk)
    assert watchdog_ensure(current_run=second.id)
