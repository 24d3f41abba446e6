from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mail.dkim import DkimConfigurationError, DkimKey, configured_key, dns_records, key_from

COMMENTS = {
    "dkim": "DKIM: the public half of the key the shop signs with ({detail}).",
    "spf": "SPF: the hosts that may send mail for {domain}; any other host fails (-all).",
    "dmarc": "DMARC: what receivers do with mail from {domain} that fails DKIM and SPF.",
}


class Command(BaseCommand):
    help = (
        "Print the DNS records that make receivers trust the shop's mail: the DKIM key, "
        "SPF and DMARC, as zone-file lines. With --key-file and --selector, print the DKIM "
        "record of a new key to publish before switching to it (key rotation)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--key-file", help="A PEM private key other than the configured one.")
        parser.add_argument("--selector", help="The selector for --key-file.")
        parser.add_argument("--ttl", type=int, default=3600, help="Seconds (default 3600).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["ttl"] <= 0:
            raise CommandError("--ttl must be a positive number of seconds.")
        try:
            key = self._key(options["key_file"], options["selector"])
            records = dns_records(key)
        except DkimConfigurationError as exc:
            raise CommandError(str(exc)) from exc
        domain = records[-1].name.removeprefix("_dmarc.")
        self.stdout.write(f"; Mail authentication for {domain} (manage.py mail_dns).")
        if key is None:
            self.stdout.write(
                "; DKIM: no key is configured, so the shop does not sign. Publish the record "
                "your relay or provider gives you, or see manage.py dkim_keygen."
            )
        for record in records:
            detail = f"selector {key.selector}, rsa-sha256, {key.bits} bits" if key else ""
            self.stdout.write(f"; {COMMENTS[record.purpose].format(detail=detail, domain=domain)}")
            self.stdout.write(record.zone_line(options["ttl"]))

    def _key(self, key_file: str | None, selector: str | None) -> DkimKey | None:
        if key_file is None and selector is None:
            return configured_key()
        if key_file is None or selector is None:
            raise CommandError("--key-file and --selector go together.")
        try:
            pem = Path(key_file).read_bytes()
        except OSError as exc:
            raise CommandError(f"{key_file} cannot be read: {exc.strerror}.") from exc
        return key_from(selector=selector, pem=pem)
