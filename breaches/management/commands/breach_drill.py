"""Run a practice breach end to end and leave its report (P14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from breaches.drill import DrillImpossible, breach_drill_run, drill_candidates


class Command(BaseCommand):
    help = (
        "Run a breach drill: a practice staff account's reveals of a few customers' phones, "
        "the breach registered as a drill, its people computed from the access record, the "
        "notices written (to FEJZO_BREACH_DRILL_EMAIL only), the IDP clock, and a report."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=5, help="How many customers (5).")
        parser.add_argument(
            "--report-dir",
            type=Path,
            default=None,
            help="Where the report goes (var/breaches/ by default).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say which accounts the drill would use; write nothing.",
        )

    def handle(
        self,
        *args: Any,
        people: int = 5,
        report_dir: Path | None = None,
        dry_run: bool = False,
        **options: Any,
    ) -> None:
        if people < 1:
            raise CommandError("--people must be at least 1.")
        if dry_run:
            chosen, decoys = drill_candidates(people)
            self.stdout.write(
                f"Would seed reveals of {len(chosen)} customer(s), {len(decoys)} decoy(s)."
            )
            return
        try:
            report = breach_drill_run(
                people=people, report_dir=report_dir or Path(settings.VAR_DIR) / "breaches"
            )
        except DrillImpossible as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.text())
        self.stdout.write(f"Report: {report.path}")
        if not report.people_match:
            raise CommandError("The people computed from the access record do not match.")
