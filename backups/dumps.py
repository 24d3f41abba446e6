"""The database's side of a backup: a consistent dump, and its restore into an empty one.

PostgreSQL: `pg_dump -Fc` of an exported snapshot, in whose transaction the manifest's
facts (migrations, the access record's heads) are read, so they describe exactly what
the dump holds; `pg_restore` in one transaction, as the role the settings name (the
tables' owner: the access record's triggers are restored with them). SQLite: the
sqlite3 backup API, under the write lock the manifest's facts are read in; the restore
copies the file into place.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction

PG_BIN = Path("/usr/bin")


class TargetNotEmpty(Exception):
    """The database a restore would write into already holds tables."""


def _pg_env() -> dict[str, str]:
    database = connection.settings_dict
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env["PGPASSWORD"] = str(database.get("PASSWORD") or "")
    return env


def _pg_args() -> list[str]:
    database = connection.settings_dict
    return [
        "-h",
        str(database.get("HOST") or "127.0.0.1"),
        "-p",
        str(database.get("PORT") or 5432),
        "-U",
        str(database.get("USER") or "postgres"),
    ]


def _pg_tool(name: str) -> str:
    path = PG_BIN / name
    return str(path) if path.exists() else name


@contextmanager
def snapshot_dump(
    read_facts: Callable[[Any], dict[str, Any]],
) -> Iterator[tuple[dict[str, Any], IO[bytes]]]:
    """Yield the facts read in the dump's snapshot and a stream of the plain dump."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            facts = read_facts(cursor)
            process = subprocess.Popen(  # noqa: S603 - fixed arguments from the settings
                [
                    _pg_tool("pg_dump"),
                    "-Fc",
                    f"--snapshot={snapshot}",
                    *_pg_args(),
                    str(connection.settings_dict["NAME"]),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=_pg_env(),
            )
            assert process.stdout is not None
            try:
                yield facts, process.stdout
            finally:
                process.stdout.close()
                stderr = process.stderr.read() if process.stderr else b""
                if process.wait() != 0:
                    raise RuntimeError(f"pg_dump failed: {stderr.decode(errors='replace')}")
        return
    with tempfile.TemporaryDirectory(prefix="fejzo-backup-") as folder:
        copy = Path(folder) / "dump.sqlite3"
        # The backup API copies a consistent state (it starts again if another connection
        # writes meanwhile); the facts are read from the copy itself.
        connection.ensure_connection()
        target = sqlite3.connect(copy)
        try:
            connection.connection.backup(target)
            facts = read_facts(target.cursor())
        finally:
            target.close()
        with copy.open("rb") as stream:
            yield facts, stream


def target_check_empty() -> None:
    """Refuse a target database that holds any table (a restore only fills an empty one)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
                "AND n.nspname NOT LIKE 'pg_toast%%'"
            )
            count = cursor.fetchone()[0]
        connection.close()
        if count:
            raise TargetNotEmpty(
                f"The database {connection.settings_dict['NAME']} is not empty ({count} "
                "tables and sequences): restore only into a newly created, empty database."
            )
        return
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        raise TargetNotEmpty("The SQLite target must be a file: set DATABASE_URL to a new file.")
    connection.close()
    path = Path(name)
    if path.exists() and path.stat().st_size:
        with sqlite3.connect(path) as existing:
            count = existing.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if count:
            raise TargetNotEmpty(
                f"The database {path} is not empty ({count} tables and indexes): "
                "restore only into a new file."
            )


def dump_restore(plain: Path) -> None:
    """Load the decrypted dump into the (checked empty) database the settings name."""
    connection.close()
    if connection.vendor == "postgresql":
        finished = subprocess.run(  # noqa: S603 - fixed arguments from the settings
            [
                _pg_tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                *_pg_args(),
                "-d",
                str(connection.settings_dict["NAME"]),
                str(plain),
            ],
            capture_output=True,
            env=_pg_env(),
            check=False,
        )
        if finished.returncode != 0:
            raise RuntimeError(f"pg_restore failed: {finished.stderr.decode(errors='replace')}")
        return
    target = Path(str(connection.settings_dict["NAME"]))
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(plain, partial)
    os.replace(partial, target)
