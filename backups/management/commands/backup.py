from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from backups.crypto import BackupKeyError, backup_key_generate
from backups.journal import JournalError
from backups.services import backup_take


class Command(BaseCommand):
    help = (
        "Write an encrypted dump of the database and its authenticated manifest into a "
        "new folder under BACKUP_DIR (var/backups/ unless FEJZO_BACKUP_DIR says otherwise). "
        "The key comes from FEJZO_BACKUP_KEY or FEJZO_BACKUP_KEY_FILE."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", type=Path, help="Folder to write the backup under.")
        parser.add_argument(
            "--generate-key", action="store_true", help="Print a new backup key and stop."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["generate_key"]:
            self.stdout.write(backup_key_generate())
            return
        directory = options["output"] or Path(settings.BACKUP_DIR)
        try:
            result = backup_take(directory=directory)
        except (BackupKeyError, JournalError) as exc:
            raise CommandError(str(exc)) from exc
        dump = result.manifest["dump"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.folder}: {dump['encrypted_bytes']} bytes "
                f"encrypted (sha256 {dump['sha256']}), erasure journal at line "
                f"{result.manifest['erasure_journal']['position']}."
            )
        )
