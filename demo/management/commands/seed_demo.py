"""Fill the database with the demo catalogue, customers and one staff account per role."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from catalog.models import Product
from demo.people import CUSTOMER_PASSWORD, STAFF
from demo.seed import SeedReport, demo_seed


class Command(BaseCommand):
    help = (
        "Seed a deterministic demo catalogue (300+ products), 20 demo customers and one demo "
        "staff account per role. Safe to run again: rows are matched by SKU and email."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the catalogue already has products (still print the logins).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Seed inside a transaction, report the counts, then roll everything back.",
        )

    def handle(
        self, *args: Any, if_empty: bool = False, dry_run: bool = False, **options: Any
    ) -> None:
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demo data (with published staff passwords) is refused by these settings."
            )
        if if_empty and Product.objects.exists():
            self.stdout.write("The catalogue already has products; nothing was seeded.")
        else:
            started = time.monotonic()
            with transaction.atomic():
                report = demo_seed()
                transaction.set_rollback(dry_run)
            self._print_counts(report, seconds=time.monotonic() - started)
            if dry_run:
                self.stdout.write("Dry run: every change was rolled back.")
                return
        self._print_logins()

    def _print_counts(self, report: SeedReport, *, seconds: float) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded in {seconds:.1f} s: {report.categories} categories, "
                f"{report.brands} brands, {report.products_created} products created and "
                f"{report.products_updated} updated, {report.customers} customers "
                f"(password {CUSTOMER_PASSWORD}), {len(report.staff)} staff accounts."
            )
        )

    def _print_logins(self) -> None:
        rows = [("Role", "Email", "Password")] + [
            (staff.role.value, staff.email, staff.password) for staff in STAFF
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        rule = "+".join("-" * (width + 2) for width in widths)
        self.stdout.write("Demo staff logins (demo data only, never use in production):")
        self.stdout.write(f"+{rule}+")
        for index, row in enumerate(rows):
            cells = " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(f"| {cells} |")
            if index == 0:
                self.stdout.write(f"+{rule}+")
        self.stdout.write(f"+{rule}+")
        if settings.FEJZO_STAFF_2FA:
            self.stdout.write(
                "Staff two-factor sign-in is on (FEJZO_STAFF_2FA): on first sign-in each "
                "account enrols an authenticator app at /zyra/2fa/."
            )
        else:
            self.stdout.write(
                "Staff two-factor sign-in is off (FEJZO_STAFF_2FA=0, the local default): "
                "the password alone opens /zyra/. Start with FEJZO_STAFF_2FA=1 to try it."
            )
