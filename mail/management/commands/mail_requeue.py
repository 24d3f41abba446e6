from typing import Any

from django.core.management.base import BaseCommand

from mail.services import outbox_requeue_stalled


class Command(BaseCommand):
    help = "Queue delivery again for due outbox messages whose task was lost or whose worker died."

    def handle(self, *args: Any, **options: Any) -> None:
        count = outbox_requeue_stalled()
        self.stdout.write(f"{count} message(s) queued for delivery.")
