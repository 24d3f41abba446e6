"""The crash test's SMTP server: aiosmtpd in the test process, counting what arrives."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller

from core.testing import free_port


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
