from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from subscriptions.services import unconfirmed_purge


class Command(BaseCommand):
    help = (
        "Delete visitors' newsletter sign-ups never confirmed, or with every topic off, for "
        "SUBSCRIPTION_UNCONFIRMED_DAYS. The task worker also runs this daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        count = unconfirmed_purge(dry_run=options["dry_run"])
        verb = "would be deleted" if options["dry_run"] else "deleted"
        days = settings.SUBSCRIPTION_UNCONFIRMED_DAYS
        self.stdout.write(
            f"{count} sign-up(s) unconfirmed or with no topic for {days} days {verb}."
        )
