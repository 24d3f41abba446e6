from typing import Any

from django.core.management.base import BaseCommand

from core.daily import stalled_work_requeue


class Command(BaseCommand):
    help = (
        "Queue delivery again for due outbox messages and sending campaigns whose task was "
        "lost or whose worker died. Safe to run any time, e.g. every few minutes from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Each app registers its own (core.daily.stalled_work_requeuer): mail its outbox,
        # campaigns its sending campaigns.
        for what, count in stalled_work_requeue():
            self.stdout.write(f"{count} {what}")
