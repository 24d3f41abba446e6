"""Write every product's search document again; safe to run from cron at any time."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from catalog.models import Product
from search.services import search_documents_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search documents of every product (after bulk imports, which send "
        "no signals). Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Rebuild inside a transaction, report the count, then roll back.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        started = time.monotonic()
        self.stdout.write(f"Indexing {Product.objects.count()} products…")
        with transaction.atomic():
            written = search_documents_rebuild()
            transaction.set_rollback(dry_run)
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{written} search documents in {seconds:.1f} s."))
        if dry_run:
            self.stdout.write("Dry run: every change was rolled back.")
