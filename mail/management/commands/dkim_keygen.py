from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mail.dkim import (
    MINIMUM_KEY_BITS,
    DkimConfigurationError,
    DnsRecord,
    key_from,
    private_key_generate,
)


class Command(BaseCommand):
    help = (
        "Write a new DKIM private key (RSA, PEM) to a file readable only by its owner, "
        "and print the DNS record to publish for it. It never overwrites a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="Where to write the key, e.g. /etc/fejzo/dkim-2026.pem")
        parser.add_argument("--selector", required=True, help="Its selector, e.g. fejzo2026.")
        parser.add_argument("--bits", type=int, default=MINIMUM_KEY_BITS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["bits"] < MINIMUM_KEY_BITS:
            raise CommandError(f"--bits must be {MINIMUM_KEY_BITS} or more.")
        pem = private_key_generate(options["bits"])
        try:
            key = key_from(selector=options["selector"], pem=pem)
        except DkimConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["path"])
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CommandError(f"{path} exists; a key is never overwritten.") from exc
        except OSError as exc:
            raise CommandError(f"{path} cannot be written: {exc.strerror}.") from exc
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
        self.stdout.write(f"; The key is in {path}. Publish this record, then set")
        self.stdout.write(f"; FEJZO_DKIM_KEY_FILE={path} FEJZO_DKIM_SELECTOR={key.selector}.")
        self.stdout.write(DnsRecord("dkim", key.record_name, key.record_value).zone_line(3600))
