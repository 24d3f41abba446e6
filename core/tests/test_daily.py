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
