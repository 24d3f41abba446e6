"""Sign every message the shop sends with DKIM, and say which DNS records vouch for it.

Signing is optional: with no key configured (FEJZO_DKIM_PRIVATE_KEY or
FEJZO_DKIM_KEY_FILE) messages go out as they are, and the relay or the provider may
sign them. With a key, the email backends (mail.backends) and the campaigns' own SMTP
writer sign each message once, on the exact bytes that leave the shop: rsa-sha256,
relaxed/relaxed, no body length (``l=``), so nothing can be appended to a signed body.

`mail_dns` prints the three records receivers look up: the DKIM key, SPF (which hosts
may send for the domain) and DMARC (what to do with mail that fails).
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from core.clauses import enforces

MINIMUM_KEY_BITS = 2048
# The header fields a signature covers when a message has them: who, what, when, the
# MIME structure, and RFC 8058's one-click unsubscribe, which receivers honour only
# under a valid signature that covers both List-Unsubscribe fields.
SIGNED_HEADERS = (
    "from",
    "to",
    "cc",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-language",
    "list-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
    "precedence",
    "auto-submitted",
)
# Named once more than they occur ("oversigning", RFC 6376 section 8.15): a second
# From or Subject, or a List-Unsubscribe added to a message that had none, breaks the
# signature instead of riding on it.
OVERSIGNED_HEADERS = (
    "from",
    "to",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "list-unsubscribe",
    "list-unsubscribe-post",
)
_DNS_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
SELECTOR = re.compile(rf"{_DNS_LABEL}(?:\.{_DNS_LABEL})*", re.IGNORECASE)
DOMAIN = re.compile(rf"(?:{_DNS_LABEL}\.)+[a-z]{{2,63}}", re.IGNORECASE)
DMARC_POLICIES = ("quarantine", "reject")
# A TXT record's strings are at most 255 characters each; longer values are split.
TXT_STRING_MAX = 255


class DkimConfigurationError(Exception):
    """The DKIM, SPF or DMARC settings cannot work; the message says which and why."""


@dataclass(frozen=True)
class DkimKey:
    """A signing key: its selector, its domain and the private key in PEM form."""

    selector: str
    domain: str
    private_pem: bytes

    @property
    def public_key_base64(self) -> str:
        """Return the public half as DKIM's ``p=`` value (DER SubjectPublicKeyInfo)."""
        public = _load_rsa_key(self.private_pem).public_key()
        der = public.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(der).decode("ascii")

    @property
    def bits(self) -> int:
        return _load_rsa_key(self.private_pem).key_size

    @property
    def record_name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"

    @property
    def record_value(self) -> str:
        return f"v=DKIM1; k=rsa; p={self.public_key_base64}"

    @enforces("P13", "one-click unsubscribe is signed, so receivers honour it (RFC 8058)")
    @enforces("P14", "mail from the shop carries a DKIM signature receivers can verify")
    def sign(self, message: bytes) -> bytes:
        """Return `message` with a DKIM-Signature header field in front of it."""
        headers, _body = dkim.rfc822_parse(message)
        present = {name.decode("ascii", "replace").lower() for name, _value in headers}
        include = [name for name in SIGNED_HEADERS if name in present]
        include += OVERSIGNED_HEADERS
        signature = dkim.sign(
            message,
            self.selector.encode("ascii"),
            self.domain.encode("ascii"),
            self.private_pem,
            canonicalize=(b"relaxed", b"relaxed"),
            signature_algorithm=b"rsa-sha256",
            include_headers=[name.encode("ascii") for name in include],
            length=False,
        )
        return bytes(signature) + message


def _load_rsa_key(pem: bytes) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except TypeError as exc:
        raise DkimConfigurationError(
            "The DKIM private key is encrypted with a passphrase; give it unencrypted "
            "(kept readable only by the shop's user)."
        ) from exc
    except ValueError as exc:
        raise DkimConfigurationError(
            "The DKIM private key is not a PEM private key (-----BEGIN PRIVATE KEY-----)."
        ) from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DkimConfigurationError("The DKIM private key must be an RSA key (rsa-sha256).")
    if key.key_size < MINIMUM_KEY_BITS:
        raise DkimConfigurationError(
            f"The DKIM private key has {key.key_size} bits; use {MINIMUM_KEY_BITS} or more "
            "(manage.py dkim_keygen makes one)."
        )
    return key


@functools.cache
def _read_key_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise DkimConfigurationError(
            f"FEJZO_DKIM_KEY_FILE {path} cannot be read: {exc.strerror}."
        ) from exc


def from_domain() -> str:
    """Return the domain of DEFAULT_FROM_EMAIL, the address every message is from."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower()


def mail_domain() -> str:
    """Return the domain the records belong to: FEJZO_DKIM_DOMAIN, else the From domain."""
    domain = (settings.FEJZO_DKIM_DOMAIN or from_domain()).strip().lower().rstrip(".")
    if not DOMAIN.fullmatch(domain):
        raise DkimConfigurationError(
            f"The DKIM domain {domain!r} is not a domain name; set FEJZO_DKIM_DOMAIN "
            "or DEFAULT_FROM_EMAIL."
        )
    return domain


def key_from(*, selector: str, pem: bytes) -> DkimKey:
    """Return a checked key, or raise DkimConfigurationError saying what is wrong."""
    selector = selector.strip()
    if not selector:
        raise DkimConfigurationError(
            "FEJZO_DKIM_SELECTOR is not set: the selector names the DNS record of the key "
            "(<selector>._domainkey.<domain>)."
        )
    if not SELECTOR.fullmatch(selector):
        raise DkimConfigurationError(
            f"FEJZO_DKIM_SELECTOR {selector!r} is not a DNS name (letters, digits, hyphens)."
        )
    key = DkimKey(selector=selector.lower(), domain=mail_domain(), private_pem=pem)
    _load_rsa_key(pem)
    return key


def configured_key() -> DkimKey | None:
    """Return the key the shop signs with, None when signing is off.

    Raise DkimConfigurationError for a half or broken configuration: the system check
    (mail.checks) reports it at start-up, so it never surfaces first at send time.
    """
    inline = settings.FEJZO_DKIM_PRIVATE_KEY.strip()
    path = settings.FEJZO_DKIM_KEY_FILE.strip()
    if inline and path:
        raise DkimConfigurationError(
            "Both FEJZO_DKIM_PRIVATE_KEY and FEJZO_DKIM_KEY_FILE are set; keep one."
        )
    if not inline and not path:
        if settings.FEJZO_DKIM_SELECTOR.strip():
            raise DkimConfigurationError(
                "FEJZO_DKIM_SELECTOR is set but no key is: set FEJZO_DKIM_KEY_FILE or "
                "FEJZO_DKIM_PRIVATE_KEY, or unset the selector."
            )
        return None
    # An environment file holds one line per variable: "\n" may stand for line breaks.
    pem = _read_key_file(path) if path else inline.replace("\\n", "\n").encode()
    return _cached_key(settings.FEJZO_DKIM_SELECTOR, pem, mail_domain())


@functools.lru_cache(maxsize=4)
def _cached_key(selector: str, pem: bytes, domain: str) -> DkimKey:
    # The key is parsed and checked once per process and configuration (the domain is
    # part of the cache key), not once per message.
    return key_from(selector=selector, pem=pem)


def dkim_sign(message: bytes) -> bytes:
    """Return the message signed with the configured key, or unchanged when there is none."""
    key = configured_key()
    return message if key is None else key.sign(message)


def private_key_generate(bits: int = MINIMUM_KEY_BITS) -> bytes:
    """Return a new RSA private key in PEM (PKCS#8), for `dkim_keygen`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass(frozen=True)
class DnsRecord:
    """One TXT record to publish: what it is for, its owner name and its value."""

    purpose: str
    name: str
    value: str

    def zone_line(self, ttl: int) -> str:
        """Return the record as one zone-file line, its value split into 255-character strings."""
        chunks = [
            self.value[start : start + TXT_STRING_MAX]
            for start in range(0, len(self.value), TXT_STRING_MAX)
        ]
        strings = " ".join(f'"{chunk}"' for chunk in chunks)
        return f"{self.name}. {ttl} IN TXT {strings}"


def spf_mechanisms() -> list[str]:
    """Return FEJZO_SPF_SENDERS as SPF mechanisms; bare addresses become ip4:/ip6:.

    Unset, mail is taken to leave from the hosts of the domain's own A and MX records.
    """
    raw = settings.FEJZO_SPF_SENDERS.replace(",", " ").split()
    return [_spf_mechanism(item) for item in raw] or ["a", "mx"]


def _spf_mechanism(item: str) -> str:
    kind, _colon, target = item.partition(":")
    kind = kind.lower()
    if kind in {"ip4", "ip6"}:
        address = _network(target)
        if address is not None and kind == f"ip{address.version}":
            return f"{kind}:{target}"
    elif (kind in {"a", "mx"} and not target) or (
        kind in {"a", "mx", "include"} and DOMAIN.fullmatch(target)
    ):
        return item.lower()
    else:
        address = _network(item)
        if address is not None:
            return f"ip{address.version}:{item}"
    raise DkimConfigurationError(
        f"FEJZO_SPF_SENDERS: {item!r} is not a sending host; list addresses "
        "(203.0.113.10, 2001:db8::1), ip4:/ip6: ranges, a, mx or include:<provider domain>."
    )


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def dmarc_value(domain: str) -> str:
    policy = settings.FEJZO_DMARC_POLICY.strip().lower()
    if policy not in DMARC_POLICIES:
        raise DkimConfigurationError(
            f"FEJZO_DMARC_POLICY {policy!r} is not one of {', '.join(DMARC_POLICIES)}."
        )
    report_to = settings.FEJZO_DMARC_RUA.strip() or f"dmarc@{domain}"
    if "@" not in report_to or any(char in report_to for char in ";, \"'"):
        raise DkimConfigurationError(
            f"FEJZO_DMARC_RUA {report_to!r} is not one email address for DMARC reports."
        )
    return f"v=DMARC1; p={policy}; rua=mailto:{report_to.removeprefix('mailto:')}"


def dns_records(key: DkimKey | None) -> list[DnsRecord]:
    """Return the DKIM (when there is a key), SPF and DMARC records for the mail domain."""
    sender = from_domain()
    records = []
    if key is not None:
        records.append(DnsRecord("dkim", key.record_name, key.record_value))
    # SPF is checked on the envelope sender, DMARC on the From domain: both are the
    # address of DEFAULT_FROM_EMAIL.
    spf = " ".join(["v=spf1", *spf_mechanisms(), "-all"])
    records.append(DnsRecord("spf", sender, spf))
    records.append(DnsRecord("dmarc", f"_dmarc.{sender}", dmarc_value(sender)))
    return records
