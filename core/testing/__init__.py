"""Test helpers shared by the apps' suites: a real SMTP server and the task worker."""

from __future__ import annotations

import email
import signal
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from unittest import mock

from aiosmtpd.controller import Controller
from django.apps.registry import Apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ReceivedMail:
    """One message as the SMTP server received it: envelope recipients and parsed content."""

    recipients: list[str]
    message: EmailMessage

    def __getitem__(self, header: str) -> str | None:
        value = self.message[header]
        return None if value is None else str(value)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        """Return the decoded ``text/<subtype>`` body, failing loudly if it is missing."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"{self.subject!r} has no text/{subtype} part"
        return str(body.get_content())  # type: ignore[attr-defined]


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it accepts; safe to read from any thread."""

    def __init__(self) -> None:
        self.messages: list[ReceivedMail] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(ReceivedMail(list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


class SMTPServer:
    """A real SMTP server on loopback, started and stopped by the test."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = CollectingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    @property
    def messages(self) -> list[ReceivedMail]:
        with self.handler.lock:
            return list(self.handler.messages)

    def start(self) -> SMTPServer:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


def run_tasks() -> None:
    """Run the real task worker until no task is ready, as `db_worker` does in production.

    The worker closes connections that are not in autocommit mode; inside a test's
    transaction that would be the test's own connection, so that one step is skipped.
    """
    # The worker installs SIGINT/SIGTERM handlers and never removes them; restore
    # the test runner's so Ctrl-C still stops the run.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def text_body(mail: ReceivedMail) -> str:
    return mail.part("plain")


def html_body(mail: ReceivedMail) -> str:
    return mail.part("html")


def migrate_to(targets: list[tuple[str, str | None]]) -> Apps:
    """Migrate the test database to these (app, migration) targets (None: before the app's
    first); return the models as they stand there, for a migration test to fill."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(
        [(app, name) for app, name in targets if name is not None]
    ).apps


def migrate_to_latest() -> None:
    """Apply every migration again. A migration test ends with this: the next test on its
    worker expects the newest schema, whatever migrations came after the test's own."""
    migrate_to(list(MigrationLoader(connection).graph.leaf_nodes()))
