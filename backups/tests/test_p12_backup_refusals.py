"""A restore refuses what the backup key did not seal and any database that is not empty.

Every refusal happens before the target is touched: it stays as it was.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.tests.factories import UserFactory
from backups.crypto import (
    CHUNK,
    BackupIntegrityError,
    BackupKey,
    BackupKeyError,
    backup_key_generate,
    backup_key_load,
    stream_decrypt,
    stream_encrypt,
)
from backups.services import DUMP, MANIFEST, backup_take
from backups.tests.conftest import Target

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backup(backup_key: str, erasure_journal: Path, tmp_path: Path) -> Path:
    UserFactory()
    return backup_take(directory=tmp_path / "backups").folder


def _target_tables(target: Target) -> int:
    if connection.vendor == "postgresql":
        with psycopg.connect(target.url.replace("postgres://", "postgresql://")) as db:
            row = db.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                "('pg_catalog', 'information_schema')"
            ).fetchone()
            return int(row[0]) if row else 0
    path = Path(target.url.removeprefix("sqlite:///"))
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        return int(db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0])


def test_p12_restore_refuses_a_wrong_key(backup: Path, restore_target: Target) -> None:
    env = {**restore_target.env, "FEJZO_BACKUP_KEY": backup_key_generate()}
    run = Target(url=restore_target.url, env=env).manage("restore", str(backup))
    assert run.returncode != 0
    assert "Nothing was restored: This backup was taken with another key" in run.stderr
    assert _target_tables(restore_target) == 0


def test_p12_restore_refuses_a_tampered_dump(backup: Path) -> None:
    dump = backup / DUMP
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0x01
    dump.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="is not the dump the manifest names"):
        call_command("restore", str(backup))


def test_p12_restore_refuses_a_tampered_manifest(backup: Path) -> None:
    manifest = json.loads((backup / MANIFEST).read_text())
    manifest["erasure_journal"]["position"] += 1
    (backup / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="The manifest was changed"):
        call_command("restore", str(backup))


def test_p12_restore_refuses_a_database_that_is_not_empty(
    backup: Path, restore_target: Target
) -> None:
    # given: a target that holds a table already
    if connection.vendor == "postgresql":
        with psycopg.connect(restore_target.url.replace("postgres://", "postgresql://")) as db:
            db.execute("CREATE TABLE kept (id integer)")
    else:
        with sqlite3.connect(restore_target.url.removeprefix("sqlite:///")) as db:
            db.execute("CREATE TABLE kept (id integer)")
    # when
    run = restore_target.manage("restore", str(backup))
    # then
    assert run.returncode != 0
    assert "is not empty" in run.stderr
    assert "restore only into a" in run.stderr
    assert _target_tables(restore_target) == 1


def test_p12_restore_refuses_the_live_database(backup: Path) -> None:
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", str(backup))


def test_p12_encrypted_dump_round_trips_and_refuses_any_cut_or_change() -> None:
    key = BackupKey.from_text(backup_key_generate())
    plain = bytes(range(256)) * (CHUNK // 256 * 2 + 7)
    sealed = io.BytesIO()
    result = stream_encrypt(io.BytesIO(plain), sealed, key=key)
    assert result.plain_bytes == len(plain)
    back = io.BytesIO()
    stream_decrypt(io.BytesIO(sealed.getvalue()), back, key=key)
    assert back.getvalue() == plain
    data = sealed.getvalue()
    # the last chunk cut off: what is left decrypts, but not as an ending
    first_two = 16 + 2 * (4 + CHUNK + 16)
    for damaged in (data[:first_two], data[:-1], data[:20] + bytes([data[20] ^ 1]) + data[21:]):
        with pytest.raises(BackupIntegrityError):
            stream_decrypt(io.BytesIO(damaged), io.BytesIO(), key=key)
    with pytest.raises(BackupIntegrityError):
        stream_decrypt(
            io.BytesIO(data), io.BytesIO(), key=BackupKey.from_text(backup_key_generate())
        )


def test_p6_backup_key_must_not_be_a_data_key(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setenv("FEJZO_BACKUP_KEY", str(settings.FEJZO_BLIND_INDEX_KEY))
    with pytest.raises(BackupKeyError, match="must be a key of its own"):
        backup_key_load()
    monkeypatch.delenv("FEJZO_BACKUP_KEY")
    monkeypatch.delenv("FEJZO_BACKUP_KEY_FILE", raising=False)
    with pytest.raises(BackupKeyError, match="No backup key"):
        backup_key_load()
    with pytest.raises(CommandError, match="No backup key"):
        call_command("backup")
