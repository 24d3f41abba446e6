from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from core.daily import daily_ensure, daily_tasks, periodic_ensure, periodic_tasks


class Command(BaseCommand):
    help = "Queue each daily background job that has no run waiting (safe to run any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        for task in daily_tasks():
            self._report(task.name, daily_ensure(task))
        for task in periodic_tasks():
            self._report(task.name, periodic_ensure(task, run_after=timezone.now()))

    def _report(self, name: str, queued: bool) -> None:
        self.stdout.write(f"{name}: {'queued' if queued else 'already waiting'}")
