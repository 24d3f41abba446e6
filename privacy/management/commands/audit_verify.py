from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from privacy.audit import audit_verify


class Command(BaseCommand):
    help = (
        "Walk every chain of the access record from its first entry, then its anchors, and "
        "name the first entry that was changed, removed or inserted outside the application."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify()
        if not report.intact:
            where = f"entry #{report.first_bad_seq}"
            if report.chain is not None:
                where += f" of chain {report.chain}"
            if report.first_bad_id is not None:
                where += f" (row id {report.first_bad_id})"
            raise CommandError(
                f"The access record is NOT intact at {where}: {report.problem}. "
                f"{report.checked} entries before it are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"The access record is intact: {report.checked} entries in {report.chains} "
                f"chains; {report.anchors} anchors."
            )
        )
