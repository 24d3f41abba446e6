"""Test helpers shared by the apps' suites: a real SMTP server and the task worker."""

from __future__ import annotations

import email
import socket
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from unittest import mock

from aiosmtpd.controller import Controller
from django.core.management import call_command


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(parsed)  # type: ignore[arg-type]
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
    def messages(self) -> list[EmailMessage]:
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
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def wait_for(predicate: Callable[[], bool], *, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run_tasks()
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""  # type: ignore[union-attr]


def html_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else ""  # type: ignore[union-attr]
