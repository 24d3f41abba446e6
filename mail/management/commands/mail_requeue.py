from typing import Any

from django.core.management.base import BaseCommand

from campaigns.tasks import campaigns_requeue_stalled
from mail.services import outbox_requeue_stalled


class Command(BaseCommand):
    help = (
        "Queue delivery again for due outbox messages and sending campaigns whose task was "
        "lost or whose worker died. Safe to run any time, e.g. every few minutes from cron."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = outbox_requeue_stalled()
        self.stdout.write(f"{count} message(s) queued for delivery.")
        campaigns = campaigns_requeue_stalled()
        self.stdout.write(f"{campaigns} sending campaign(s) given a task.")
