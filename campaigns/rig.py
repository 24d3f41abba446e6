"""A throw-away world for the campaign crash test and benchmark.

It makes a fresh database (a SQLite file, or a new database on the PostgreSQL server
DATABASE_URL names), migrates it, seeds subscribers, starts a campaign and runs real
`db_worker` processes against a local SMTP sink: the same code paths as production,
so a worker can be killed with SIGKILL like a real one.

The parent process drives it with `Rig`; the steps that need Django inside the rig's
database run as `python -m campaigns.rig <command>` with the rig's environment.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RECIPIENT = "r{:06d}@example.al"


# --- the parent side ---------------------------------------------------------------


def _die_with_parent() -> None:
    """Runs in a worker before exec: SIGKILL it if the test or benchmark process dies,
    so an interrupted run leaves no worker behind polling a deleted database (Linux)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Receipts:
    """What the sink received: per recipient, the wall-clock time of each message."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    unsubscribe_headers: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def total(self) -> int:
        with self.lock:
            return sum(len(t) for t in self.times.values())


class CountingHandler:
    def __init__(self, receipts: Receipts) -> None:
        self.receipts = receipts
        # While set, every RCPT waits for an answer: each sending worker then sits in the
        # middle of a message, claims held and nothing committed, like a slow server.
        self.hold_recipients = threading.Event()
        self.waiting = 0

    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        import asyncio

        if self.hold_recipients.is_set():
            self.waiting += 1
            try:
                while self.hold_recipients.is_set():
                    await asyncio.sleep(0.01)
            finally:
                self.waiting -= 1
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        now = time.time()
        header = ""
        for line in envelope.content.split(b"\r\n"):
            if not line:
                break
            if line.startswith(b"List-Unsubscribe: "):
                header = line.split(b": ", 1)[1].decode()
        with self.receipts.lock:
            for recipient in envelope.rcpt_tos:
                self.receipts.times[recipient].append(now)
                if header:
                    self.receipts.unsubscribe_headers[recipient] = header
        return "250 OK"


class Sink:
    """An aiosmtpd server in this process that only counts (no parsing, no storage)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from core.testing import free_port

        self.receipts = Receipts()
        self.port = free_port()
        self.handler = CountingHandler(self.receipts)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=10"

    def __enter__(self) -> Sink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


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
            "DJANGO_SETTINGS_MODULE": "config.settings.rig",
            "DATABASE_URL": self.database_url,
            "EMAIL_URL": email_url,
            "CAMPAIGN_LEASE_SECONDS": str(lease_seconds),
            "CAMPAIGN_TASK_SECONDS": str(task_seconds),
            "PYTHONPATH": str(BASE_DIR),
        }

    def _admin_sql(self, sql: str) -> None:
        import psycopg

        assert self.server_url is not None
        parts = urlsplit(self.server_url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

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
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-m", "campaigns.rig", *args],
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


# --- the rig side (python -m campaigns.rig ...) --------------------------------------


def _seed(subscribers: int, unsubscribed: int, suppressed: int) -> dict[str, int]:
    from django.db import transaction
    from django.utils import timezone

    from subscriptions.models import Channel, Subscriber, Subscription, SuppressionReason, Topic
    from subscriptions.services import suppression_add

    now = timezone.now()
    total = subscribers + unsubscribed + suppressed
    for start in range(0, total, 2000):
        numbers = range(start, min(start + 2000, total))
        with transaction.atomic():
            rows = Subscriber.objects.bulk_create(
                Subscriber(email=RECIPIENT.format(n), confirmed_at=now) for n in numbers
            )
            Subscription.objects.bulk_create(
                Subscription(
                    subscriber=row,
                    topic=Topic.OFFERS,
                    active=n < subscribers or n >= subscribers + unsubscribed,
                )
                for n, row in zip(numbers, rows, strict=True)
            )
    for n in range(subscribers + unsubscribed, total):
        suppression_add(
            email=RECIPIENT.format(n), reason=SuppressionReason.COMPLAINT, channel=Channel.COMPLAINT
        )
    return {"subscribers": subscribers, "unsubscribed": unsubscribed, "suppressed": suppressed}


def _start() -> dict[str, int]:
    from campaigns.models import Campaign
    from campaigns.services import campaign_start
    from subscriptions.models import Topic

    campaign = Campaign.objects.create(
        topic=Topic.OFFERS,
        name="Rig",
        subject_sq="Ofertat e javës në 3VFejzo",
        body_sq="## Ulje çmimesh\n\nTelevizorë, frigoriferë dhe laptopë me **20% zbritje**.",
    )
    recipients = campaign_start(campaign=campaign, actor=None)
    return {"campaign": campaign.pk, "recipients": recipients}


def _one_click(campaign_id: int, numbers: list[int]) -> dict[str, list[float]]:
    """Unsubscribe these recipients through the real RFC 8058 endpoint, as a mail provider
    would; return when each one's answer came back."""
    from django.test import Client

    from subscriptions.models import Subscriber, Topic
    from subscriptions.services import address_index, unsubscribe_url

    client = Client()
    done = []
    for n in numbers:
        subscriber = Subscriber.objects.get(email_index=address_index(RECIPIENT.format(n)))
        url = unsubscribe_url(subscriber, topic=Topic.OFFERS, campaign_id=campaign_id)
        response = client.post(
            urlsplit(url).path,
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200, response.status_code
        done.append(time.time())
    return {"done_at": done}


def _suppress(numbers: list[int]) -> dict[str, list[float]]:
    from subscriptions.models import Channel, SuppressionReason
    from subscriptions.services import suppression_add

    done = []
    for n in numbers:
        suppression_add(
            email=RECIPIENT.format(n), reason=SuppressionReason.HARD_BOUNCE, channel=Channel.BOUNCE
        )
        done.append(time.time())
    return {"done_at": done}


def _status(campaign_id: int) -> dict[str, Any]:
    from django.db.models import Count

    from campaigns.models import Campaign, Delivery

    counts = dict(
        Delivery.objects.filter(campaign_id=campaign_id)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    status = Campaign.objects.values_list("status", flat=True).get(pk=campaign_id)
    # Rows a worker claimed and died holding, claimed again after the lease ran out.
    reclaimed = Delivery.objects.filter(campaign_id=campaign_id, attempts__gt=0).count()
    return {"status": status, "counts": counts, "reclaimed": reclaimed}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="campaigns.rig")
    commands = parser.add_subparsers(dest="command", required=True)
    seed = commands.add_parser("seed")
    seed.add_argument("--subscribers", type=int, required=True)
    seed.add_argument("--unsubscribed", type=int, default=0)
    seed.add_argument("--suppressed", type=int, default=0)
    commands.add_parser("start")
    for name in ("one-click", "suppress"):
        sub = commands.add_parser(name)
        sub.add_argument("--campaign", type=int, default=0)
        sub.add_argument("numbers", type=int, nargs="+")
    status = commands.add_parser("status")
    status.add_argument("--campaign", type=int, required=True)
    args = parser.parse_args(argv)

    import django

    django.setup()
    result: Any
    if args.command == "seed":
        result = _seed(args.subscribers, args.unsubscribed, args.suppressed)
    elif args.command == "start":
        result = _start()
    elif args.command == "one-click":
        result = _one_click(args.campaign, args.numbers)
    elif args.command == "suppress":
        result = _suppress(args.numbers)
    else:
        result = _status(args.campaign)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
