"""Print the compliance report; exit non-zero when a clause is red. CI runs it after the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from compliance.documents import report_pdf, report_text
from compliance.junit import JunitUnreadable
from compliance.report import junit_dir, junit_files, report_build


class Command(BaseCommand):
    help = (
        "For each clause P1-P16: its tagged controls and the results of the tests named after "
        "it, from pytest's JUnit XML (by default every file in var/junit/). Exits with 1 when a "
        "clause has no control, no test, no passing test or a failing one."
    )
    # The report reads files and the source, not the database.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "junit", nargs="*", type=Path, help="JUnit XML files (default: var/junit/*.xml)."
        )
        parser.add_argument("--pdf", type=Path, help="Also write the report as a PDF here.")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["junit"] or junit_files()
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"No JUnit file at {', '.join(missing)}.")
        if not paths:
            raise CommandError(f"No JUnit file in {junit_dir()}: run `make test` first.")
        with translation.override("en"):
            try:
                report = report_build(junit=paths)
            except JunitUnreadable as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"JUnit: {', '.join(str(path) for path in paths)}")
            self.stdout.write(report_text(report))
            if options["pdf"]:
                options["pdf"].write_bytes(report_pdf(report))
                self.stdout.write(f"wrote {options['pdf']}")
        if not report.green:
            raise CommandError(
                "Red clauses: " + ", ".join(status.clause.id for status in report.red)
            )
        self.stdout.write(self.style.SUCCESS(f"All {len(report.clauses)} clauses green."))
