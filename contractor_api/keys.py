"""The form of an API key (P10): a public prefix that finds the row, and a secret only hashed.

A key reads `<prefix>.<secret>`: 12 hex digits, a dot, and 32 random bytes in URL-safe
base64. The database keeps the prefix and the SHA-256 of the secret: the secret has 256
bits of entropy, so a plain hash is as good as a slow one, and a stolen table opens
nothing. Comparison is in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX_BYTES = 6
SECRET_BYTES = 32
KEY_RE = re.compile(r"^([0-9a-f]{12})\.([A-Za-z0-9_-]{43})$")
# Hashed when the prefix finds no row, so an unknown key costs what a wrong one does.
_NOTHING = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True)
class NewKey:
    prefix: str
    secret: str

    @property
    def presented(self) -> str:
        """Return the key as the carrier sends it: shown once, never stored."""
        return f"{self.prefix}.{self.secret}"

    @property
    def secret_hash(self) -> str:
        return secret_hash(self.secret)


def key_new() -> NewKey:
    return NewKey(
        prefix=secrets.token_hex(PREFIX_BYTES), secret=secrets.token_urlsafe(SECRET_BYTES)
    )


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def key_parse(presented: str) -> tuple[str, str] | None:
    """Return (prefix, secret) of a key in its form, or None for anything else."""
    match = KEY_RE.match(presented)
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, stored_hash: str | None) -> bool:
    """Whether `secret` hashes to `stored_hash`, in constant time; False when there is none."""
    presented = secret_hash(secret)
    return hmac.compare_digest(presented, stored_hash or _NOTHING) and stored_hash is not None
