from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from privacy.registry import Retention
from rights.retention.services import SCHEDULES, retention_apply


class Command(BaseCommand):
    help = (
        "Erase what has outlived its retention period, schedule by schedule, as the "
        "personal-data registry declares (P12). Safe to run at any time and again; the "
        "task worker runs it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be erased; change nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["no_progress"]
        accounts = tqdm(
            desc=str(Retention.ACCOUNT_LIFETIME.label),
            unit="accounts",
            file=sys.stderr,
            disable=not show,
        )

        def progress(retention: Retention, count: int) -> None:
            accounts.update(count)

        outcomes = retention_apply(dry_run=options["dry_run"], progress=progress)
        accounts.close()
        verb = "would be erased" if options["dry_run"] else "erased"
        width = max(len(str(SCHEDULES[o.schedule].retention.label)) for o in outcomes)
        for outcome in outcomes:
            label = str(SCHEDULES[outcome.schedule].retention.label)
            period = SCHEDULES[outcome.schedule].period()
            line = (
                f"{label:<{width}}  {period}  {outcome.selected} due, "
                f"{outcome.selected if options['dry_run'] else outcome.done} {verb}"
            )
            if outcome.schedule == Retention.ACCOUNT_LIFETIME:
                warn_verb = "would be warned" if options["dry_run"] else "warned"
                line += f", {outcome.warned} {warn_verb} by mail"
            if outcome.failed:
                line = f"{label:<{width}}  {period}  FAILED (see the log)"
            self.stdout.write(line)
        total = sum(o.selected if options["dry_run"] else o.done for o in outcomes)
        failed = [o for o in outcomes if o.failed]
        if failed:
            raise CommandError(f"Retention: {total} {verb}; {len(failed)} schedule(s) failed.")
        self.stdout.write(self.style.SUCCESS(f"Retention: {total} {verb}."))
