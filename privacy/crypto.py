"""Encryption at rest and blind indexes for personal data (P6).

Values are sealed with AES-256-GCM. The associated data names the table, the column
and the row's sealing id, so a ciphertext copied to another row or column fails to
open instead of showing someone else's data. Each ciphertext names the key that
sealed it, so several keys can be live while `rotate_keys` moves values to the newest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

PREFIX = "fz1$"
NONCE_BYTES = 12
KEY_ID_CHARS = 8


class DecryptionError(Exception):
    """A stored value cannot be opened with the configured keys; never shown as garbage."""


def _decode_key(encoded: str, *, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} holds a key that is not base64: {exc}") from exc
    if len(key) != 32:
        raise ImproperlyConfigured(
            f"{name} holds a key of {len(key)} bytes; each key must be 32 random bytes, "
            "base64-encoded (python -c 'import secrets; print(secrets.token_urlsafe(32))')."
        )
    return key


def key_id(key: bytes) -> str:
    """Return the short public name of a key, written into every ciphertext it seals."""
    return hashlib.sha256(b"fejzo-key-id\x00" + key).hexdigest()[:KEY_ID_CHARS]


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


@dataclass(frozen=True)
class Keyring:
    """The encryption keys, newest first, and the separate blind-index key."""

    ciphers: dict[str, AESGCM]
    newest_id: str
    blind_index_key: bytes

    @classmethod
    def from_settings(cls) -> Keyring:
        encoded_keys = list(getattr(settings, "FEJZO_ENCRYPTION_KEYS", []) or [])
        blind = getattr(settings, "FEJZO_BLIND_INDEX_KEY", "") or ""
        if not encoded_keys or not blind:
            raise ImproperlyConfigured(
                "FEJZO_ENCRYPTION_KEYS and FEJZO_BLIND_INDEX_KEY must both be set (P6)."
            )
        keys = [_decode_key(encoded, name="FEJZO_ENCRYPTION_KEYS") for encoded in encoded_keys]
        blind_key = _decode_key(blind, name="FEJZO_BLIND_INDEX_KEY")
        if blind_key in keys:
            raise ImproperlyConfigured(
                "FEJZO_BLIND_INDEX_KEY must differ from every encryption key."
            )
        ciphers = {key_id(key): AESGCM(key) for key in keys}
        return cls(ciphers=ciphers, newest_id=key_id(keys[0]), blind_index_key=blind_key)

    def seal(self, plaintext: str, associated: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[self.newest_id].encrypt(nonce, plaintext.encode(), associated)
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{PREFIX}{self.newest_id}${body}"

    def open(self, token: str, associated: bytes) -> str:
        kid = sealing_key_id(token)
        cipher = self.ciphers.get(kid)
        if cipher is None:
            raise DecryptionError(
                f"A stored value was sealed with key {kid}, which FEJZO_ENCRYPTION_KEYS does "
                f"not hold (it holds {', '.join(self.ciphers)}). Restore the key that "
                "encrypted this database; see README.md, section Keys."
            )
        body = token[len(PREFIX) + KEY_ID_CHARS + 1 :]
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        try:
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated).decode()
        except InvalidTag as exc:
            raise DecryptionError(
                f"A stored value does not open with key {kid} for "
                f"{associated.decode(errors='replace')}: it was altered or moved from "
                "another row or column."
            ) from exc

    def blind_index(self, value: str, *, purpose: str) -> str:
        """Return the keyed HMAC that finds a value without storing it (normalise first)."""
        message = f"{purpose}\x1f{value}".encode()
        return hmac.new(self.blind_index_key, message, hashlib.sha256).hexdigest()


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def sealing_key_id(token: str) -> str:
    if not is_sealed(token):
        raise DecryptionError("A stored value is not a ciphertext where one was expected.")
    return token[len(PREFIX) : len(PREFIX) + KEY_ID_CHARS]


@cache
def keyring() -> Keyring:
    return Keyring.from_settings()


@receiver(setting_changed)
def _forget_keyring(*, setting: str, **kwargs: object) -> None:
    if setting in {"FEJZO_ENCRYPTION_KEYS", "FEJZO_BLIND_INDEX_KEY"}:
        keyring.cache_clear()


def blind_index(value: str, *, purpose: str) -> str:
    return keyring().blind_index(value, purpose=purpose)
