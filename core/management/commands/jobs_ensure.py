from typing import Any

from django.core.management.base import BaseCommand

from core.daily import daily_ensure, daily_tasks


class Command(BaseCommand):
    help = "Queue each daily background job that has no run waiting (safe to run any time)."

    def handle(self, *args: Any, **options: Any) -> None:
        for task in daily_tasks():
            queued = daily_ensure(task)
            state = "queued" if queued else "already waiting"
            self.stdout.write(f"{task.name}: {state}")
