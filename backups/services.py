"""Take a backup, and restore one: the database, then the erasures it missed (P12).

`backup_take` writes `<dir>/<taken-at>/dump.enc` (the database, encrypted as it streams)
and `manifest.json` (what the dump holds, authenticated by the backup key).
`backup_restore` refuses anything the key did not seal and any database that is not
empty, restores, erases again every person the erasure journal names after the
backup's position, and walks the access record.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import User
from backups.crypto import (
    BackupIntegrityError,
    BackupKey,
    backup_key_load,
    file_sha256,
    manifest_open,
    manifest_seal,
    stream_decrypt,
    stream_encrypt,
)
from backups.dumps import dump_restore, snapshot_dump, target_check_empty
from backups.journal import (
    JournalError,
    JournalLine,
    journal_path,
    journal_position,
    journal_read,
    journal_sync_from_database,
)
from core.clauses import enforces
from privacy.audit import ChainReport, audit_verify
from privacy.models import AccessChainHead
from rights.erasure.engine import ErasureCause, erase_people
from rights.models import ErasedSubject

FORMAT = 1
DUMP = "dump.enc"
MANIFEST = "manifest.json"


def access_heads(cursor: Any) -> list[dict[str, str | None]]:
    """Every head of the access record, whatever its columns (one chain or several).

    Read with plain SQL, so the live database's cursor and a copy's give the same text.
    """
    cursor.execute(f"SELECT * FROM {AccessChainHead._meta.db_table} ORDER BY 1")  # noqa: S608
    columns = [column[0] for column in cursor.description]
    return [
        {
            name: None if value is None else str(value)
            for name, value in zip(columns, row, strict=True)
        }
        for row in cursor.fetchall()
    ]


def migrations_applied(cursor: Any) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted([str(app), str(name)] for app, name in cursor.fetchall())


def _facts(cursor: Any) -> dict[str, Any]:
    return {"migrations": migrations_applied(cursor), "access_record_heads": access_heads(cursor)}


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: dict[str, Any]


def backup_take(
    *, directory: Path, key: BackupKey | None = None, now: datetime | None = None
) -> BackupResult:
    """Write an encrypted dump of the database and its manifest into a new folder."""
    key = key or backup_key_load()
    now = now or timezone.now()
    # First the journal: any erasure committed after its position is read is either in
    # the dump already or on a later line, which a restore replays (harmlessly twice).
    journal_sync_from_database()
    position = journal_position(journal_read())
    folder = directory / now.strftime("%Y%m%dT%H%M%S%fZ")
    folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    with snapshot_dump(_facts) as (read, plain), (folder / DUMP).open("wb") as target:
        sealed = stream_encrypt(plain, target, key=key)
    manifest = manifest_seal(
        {
            "format": FORMAT,
            "taken_at": now.isoformat(),
            "engine": connection.vendor,
            **read,
            "dump": {
                "file": DUMP,
                "plain_bytes": sealed.plain_bytes,
                "encrypted_bytes": sealed.encrypted_bytes,
                "sha256": sealed.sha256,
            },
            "erasure_journal": {"position": position.seq, "mac": position.mac},
        },
        key=key,
    )
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return BackupResult(folder=folder, manifest=manifest)


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    erased_again: list[int] = field(default_factory=list)
    already_erased: list[int] = field(default_factory=list)
    not_in_backup: list[int] = field(default_factory=list)
    migrated: bool = False
    chain: ChainReport | None = None


def backup_open(folder: Path, *, key: BackupKey) -> dict[str, Any]:
    """Return the manifest of this backup once its MAC and its dump's hash check out."""
    try:
        sealed = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupIntegrityError(f"{folder / MANIFEST} cannot be read: {exc}") from exc
    manifest = manifest_open(sealed, key=key)
    if manifest.get("format") != FORMAT:
        raise BackupIntegrityError(f"Unknown backup format {manifest.get('format')!r}.")
    dump = folder / manifest["dump"]["file"]
    if not dump.is_file() or file_sha256(dump) != manifest["dump"]["sha256"]:
        raise BackupIntegrityError(
            f"{dump} is not the dump the manifest names: it was changed, replaced or removed."
        )
    return manifest


def _replay_lines(manifest: dict[str, Any]) -> list[JournalLine]:
    """The journal's lines after the backup's position, once the journal is whole and is
    the one the backup was taken against."""
    position = manifest["erasure_journal"]
    lines = journal_read()
    if position["position"]:
        if journal_path() is None:
            raise JournalError(
                "The backup was taken with an erasure journal but none is configured "
                "(FEJZO_ERASURE_JOURNAL)."
            )
        if (
            len(lines) < position["position"]
            or lines[position["position"] - 1].mac != position["mac"]
        ):
            raise JournalError(
                "The erasure journal does not reach the backup's position: it is not the "
                "journal this backup was taken against, or lines were cut off."
            )
    return lines[position["position"] :]


@enforces("P12", "a restore erases again everyone erased after the backup was taken")
def backup_restore(*, folder: Path, key: BackupKey | None = None) -> RestoreResult:
    """Restore this backup into the empty database the settings name, then erase again
    whoever the journal says was erased after it, and walk the access record."""
    key = key or backup_key_load()
    manifest = backup_open(folder, key=key)
    if manifest["engine"] != connection.vendor:
        raise BackupIntegrityError(
            f"This backup is of a {manifest['engine']} database; the target is {connection.vendor}."
        )
    replay = _replay_lines(manifest)
    target_check_empty()
    with tempfile.TemporaryDirectory(prefix="fejzo-restore-") as private:
        plain = Path(private) / "dump"
        with (folder / DUMP).open("rb") as source, plain.open("wb") as target:
            stream_decrypt(source, target, key=key)
        dump_restore(plain)
    result = RestoreResult(manifest=manifest)
    with connection.cursor() as cursor:
        restored = _facts(cursor)
    if restored != {name: manifest[name] for name in restored}:
        raise BackupIntegrityError(
            "The restored database's migrations or access-record heads are not the ones "
            "the manifest recorded."
        )
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
        result.migrated = True
    for line in replay:
        erased = line.erased
        if not User.objects.filter(pk=erased.subject).exists():
            result.not_in_backup.append(erased.subject)
        elif ErasedSubject.objects.filter(user_id=erased.subject).exists():
            result.already_erased.append(erased.subject)
        else:
            erase_people(
                [erased.subject],
                cause=ErasureCause(erased.cause),
                actor=None,
                reference=erased.reference,
                pseudonyms={erased.subject: erased.pseudonym},
            )
            result.erased_again.append(erased.subject)
    result.chain = audit_verify()
    return result
