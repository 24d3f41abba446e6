"""A throw-away world for the campaign crash test and benchmark.

It makes a fresh database (a SQLite file, or a new database on the PostgreSQL server
DATABASE_URL names), migrates it, seeds subscribers, starts a campaign and runs real
`db_worker` processes against a local SMTP server: the same code paths as production,
so a worker can be killed with SIGKILL like a real one.

The parent process (campaigns/tests/test_p8_crash.py, bench/campaign.py) drives it with
`Rig`; the steps that need Django inside the rig's database run as
`python -m bench.campaign_rig_steps <step>` with the rig's environment.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench.common import admin_sql

BASE_DIR = Path(__file__).resolve().parent.parent
RECIPIENT = "r{:06d}@example.al"
SETTINGS = "config.settings.rig"
STEPS = "bench.campaign_rig_steps"


def _die_with_parent() -> None:
    """Runs in a worker before exec: SIGKILL it if the test or benchmark process dies,
    so an interrupted run leaves no worker behind polling a deleted database (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Rig:
    def __init__(
        self,
        workdir: Path,
        *,
        email_url: str,
        database_url: str | None = None,
        lease_seconds: int = 3,
        task_seconds: int = 2,
    ) -> None:
        self.workdir = workdir
        self.server_url = database_url
        self.workers: list[subprocess.Popen[bytes]] = []
        if database_url and database_url.startswith("postgres"):
            self.database_name = f"fejzo_rig_{secrets.token_hex(4)}"
            parts = urlsplit(database_url)
            self.database_url = urlunsplit(parts._replace(path=f"/{self.database_name}"))
        else:
            self.database_name = ""
            self.database_url = f"sqlite:///{workdir / 'rig.sqlite3'}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": SETTINGS,
            "DATABASE_URL": self.database_url,
            "EMAIL_URL": email_url,
            "CAMPAIGN_LEASE_SECONDS": str(lease_seconds),
            "CAMPAIGN_TASK_SECONDS": str(task_seconds),
            "PYTHONPATH": str(BASE_DIR),
        }

    def _admin_sql(self, sql: str) -> None:
        assert self.server_url is not None
        admin_sql(self.server_url, sql)

    def create(self) -> None:
        if self.database_name:
            self._admin_sql(f'CREATE DATABASE "{self.database_name}"')
        self.manage("migrate", "--noinput", "-v", "0")

    def destroy(self) -> None:
        self.stop_workers()
        if self.database_name:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
        else:
            for path in self.workdir.glob("rig.sqlite3*"):
                path.unlink()

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env, check=True
        )

    def command(self, *args: str) -> Any:
        """Run one step of bench/campaign_rig_steps.py; return the JSON it printed last."""
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", STEPS, *args],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
        )
        return json.loads(done.stdout.decode().strip().splitlines()[-1])

    def start_worker(self) -> subprocess.Popen[bytes]:
        worker = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.1",
                "-v",
                "0",
            ],
            cwd=BASE_DIR,
            env=self.env,
            preexec_fn=_die_with_parent,  # only a prctl call between fork and exec
        )
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        self.workers.remove(worker)

    def stop_workers(self) -> None:
        for worker in list(self.workers):
            worker.send_signal(signal.SIGTERM)
        for worker in list(self.workers):
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.workers.clear()
