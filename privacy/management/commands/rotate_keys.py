from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from privacy.rotation import keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value under the newest key of FEJZO_ENCRYPTION_KEYS. "
        "Safe while the site serves, safe to kill and run again. Drop an old key only "
        "after a run that reports nothing left to rotate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be rotated; change nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        bars: list[tqdm[Any]] = []

        def progress(label: str, total: int) -> Callable[[int], object]:
            bar = tqdm(total=total, desc=label, unit="rows", file=sys.stderr)
            bars.append(bar)
            return bar.update

        report = keys_rotate(
            batch_size=options["batch_size"],
            dry_run=options["dry_run"],
            progress=None if options["no_progress"] else progress,
        )
        for bar in bars:
            bar.close()
        verb = "would be re-encrypted" if options["dry_run"] else "re-encrypted"
        for table in report.tables:
            line = f"{table.label}: {table.rows} rows read, {table.values_rotated} values {verb}"
            if table.rows_changed_meanwhile:
                line += f", {table.rows_changed_meanwhile} rows saved meanwhile by the site"
            self.stdout.write(line)
        self.stdout.write(
            self.style.SUCCESS(
                f"Newest key {report.newest_key}: {report.values_rotated} values in "
                f"{report.rows} rows {verb}."
            )
        )
