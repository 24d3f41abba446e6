from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.crypto import BackupIntegrityError, BackupKeyError
from backups.dumps import TargetNotEmpty
from backups.journal import JournalError
from backups.services import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the EMPTY database the settings name (run it as the "
        "tables' owner), erase again everyone the erasure journal names after the backup, "
        "and verify the access record. Exits non-zero when anything does not check out."
    )
    # The target is empty: checks that read the database would fail before the restore.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "folder", type=Path, help="The backup's folder (manifest.json, dump.enc)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(folder=options["folder"])
        except (BackupKeyError, BackupIntegrityError, TargetNotEmpty, JournalError) as exc:
            raise CommandError(f"Nothing was restored: {exc}") from exc
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup taken at {manifest['taken_at']} "
            f"({manifest['dump']['plain_bytes']} bytes of {manifest['engine']} dump)."
        )
        if result.migrated:
            self.stdout.write("Applied the migrations the backup did not have.")
        self.stdout.write(
            f"Erasures after the backup: {len(result.erased_again)} erased again, "
            f"{len(result.already_erased)} already erased, "
            f"{len(result.not_in_backup)} not in the backup."
        )
        chain = result.chain
        assert chain is not None
        if not chain.intact:
            raise CommandError(
                f"The access record is NOT intact at entry #{chain.first_bad_seq}: "
                f"{chain.problem}. {chain.checked} entries before it are intact."
            )
        self.stdout.write(
            self.style.SUCCESS(f"The access record is intact: {chain.checked} entries.")
        )
