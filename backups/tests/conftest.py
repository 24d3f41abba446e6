"""Fixtures of the backups app's tests: the key, the journal, an empty target database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from backups.crypto import backup_key_generate

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def backup_key(monkeypatch: pytest.MonkeyPatch) -> str:
    key = backup_key_generate()
    monkeypatch.setenv("FEJZO_BACKUP_KEY", key)
    monkeypatch.delenv("FEJZO_BACKUP_KEY_FILE", raising=False)
    return key


@pytest.fixture
def erasure_journal(settings: Any, tmp_path: Path) -> Path:
    """The journal outside the database, in the test's own folder."""
    settings.ERASURE_JOURNAL = str(tmp_path / "journal" / "erasure-journal.jsonl")
    return Path(settings.ERASURE_JOURNAL)


@dataclass(frozen=True)
class Target:
    """An empty database of the live one's engine, and how a process reaches it."""

    url: str
    env: dict[str, str]

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - the project's own manage.py
            [sys.executable, str(ROOT / "manage.py"), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def snapshot(self, subject_id: int) -> dict[str, Any]:
        done = subprocess.run(  # noqa: S603 - the project's own snapshot helper
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from backups.tests.snapshot import main; main()",
                str(subject_id),
            ],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return json.loads(done.stdout)


def _pg_admin(database: dict[str, Any]) -> psycopg.Connection[Any]:
    return psycopg.connect(
        host=database["HOST"] or "127.0.0.1",
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or "",
        dbname="postgres",
        autocommit=True,
    )


@pytest.fixture
def restore_target(backup_key: str, erasure_journal: Path, tmp_path: Path) -> Iterator[Target]:
    """A new, empty database (PostgreSQL: created here and dropped after; SQLite: a file)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "FEJZO_BACKUP_KEY": backup_key,
        "FEJZO_ERASURE_JOURNAL": str(erasure_journal),
        "FEJZO_VAR_DIR": str(tmp_path / "var"),
    }
    if connection.vendor != "postgresql":
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        yield Target(url=url, env={**env, "DATABASE_URL": url})
        return
    database = connection.settings_dict
    name = f"fejzo_restore_{uuid.uuid4().hex[:12]}"
    with _pg_admin(database) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = (
        f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@"
        f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"
    )
    try:
        yield Target(url=url, env={**env, "DATABASE_URL": url})
    finally:
        with _pg_admin(database) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
