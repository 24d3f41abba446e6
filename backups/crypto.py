"""The backup key, the encrypted dump's format, and the manifest's authentication.

The key (32 random bytes, URL-safe base64) comes from FEJZO_BACKUP_KEY or the file
FEJZO_BACKUP_KEY_FILE names, and must differ from every data key: whoever holds the
backups must not thereby hold what decrypts the personal fields in them, nor the other
way round. Two keys are derived from it (HKDF): one encrypts the dump, one authenticates
the manifest and names the key (`key_id`), so a wrong key is told apart from a changed
file.

The dump is encrypted as it streams, in chunks of 1 MiB, with AES-256-GCM: a header
(magic and an 8-byte random nonce prefix), then per chunk its length and its ciphertext,
whose nonce is the prefix and the chunk's number and whose associated data says whether
it is the last. A chunk changed, removed, reordered or cut off fails.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

MAGIC = b"FEJZOBK1"
CHUNK = 1024 * 1024
_LENGTH = struct.Struct(">I")
_TAG_BYTES = 16


class BackupKeyError(Exception):
    """The backup key is missing, malformed, or one of the data keys."""


class BackupIntegrityError(Exception):
    """A backup's manifest or dump is not what the key sealed: changed, cut, or foreign."""


@dataclass(frozen=True)
class BackupKey:
    encryption: bytes
    authentication: bytes

    @property
    def key_id(self) -> str:
        return hmac.new(self.authentication, b"fejzo backup key id", hashlib.sha256).hexdigest()[
            :16
        ]

    @classmethod
    def from_text(cls, text: str) -> BackupKey:
        try:
            raw = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
        except ValueError as exc:
            raise BackupKeyError("The backup key is not URL-safe base64.") from exc
        if len(raw) != 32:
            raise BackupKeyError("The backup key must be 32 bytes (URL-safe base64).")
        return cls(
            encryption=_derive(raw, b"fejzo backup dump"),
            authentication=_derive(raw, b"fejzo backup manifest"),
        )


def _derive(raw: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(raw)


def backup_key_generate() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def _data_keys() -> set[str]:
    keys = {str(key).strip() for key in getattr(settings, "FEJZO_ENCRYPTION_KEYS", [])}
    keys.add(str(getattr(settings, "FEJZO_BLIND_INDEX_KEY", "")).strip())
    keys.add(str(settings.SECRET_KEY).strip())
    return {key for key in keys if key}


def backup_key_load() -> BackupKey:
    """Return the backup key from the environment or its key file, or say what is wrong."""
    text = os.environ.get("FEJZO_BACKUP_KEY", "").strip()
    key_file = os.environ.get("FEJZO_BACKUP_KEY_FILE", "").strip()
    if not text and key_file:
        try:
            text = Path(key_file).read_text().strip()
        except OSError as exc:
            raise BackupKeyError(f"FEJZO_BACKUP_KEY_FILE {key_file} cannot be read: {exc}") from exc
    if not text:
        raise BackupKeyError(
            "No backup key: set FEJZO_BACKUP_KEY or FEJZO_BACKUP_KEY_FILE "
            "(`manage.py backup --generate-key` prints a new one)."
        )
    if text in _data_keys():
        raise BackupKeyError(
            "The backup key is one of the data keys (FEJZO_ENCRYPTION_KEYS, "
            "FEJZO_BLIND_INDEX_KEY, SECRET_KEY): it must be a key of its own."
        )
    return BackupKey.from_text(text)


# --- The dump --------------------------------------------------------------------------


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">I", number)


def _aad(header: bytes, *, last: bool) -> bytes:
    return header + (b"\x01" if last else b"\x00")


@dataclass
class Sealed:
    plain_bytes: int = 0
    encrypted_bytes: int = 0
    sha256: str = ""


def stream_encrypt(source: IO[bytes], target: IO[bytes], *, key: BackupKey) -> Sealed:
    """Encrypt `source` into `target` chunk by chunk; return sizes and the hash of `target`."""
    cipher = AESGCM(key.encryption)
    header = MAGIC + secrets.token_bytes(8)
    digest = hashlib.sha256(header)
    target.write(header)
    sealed = Sealed(encrypted_bytes=len(header))
    number = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK) if chunk else b""
        last = not following
        ciphertext = cipher.encrypt(
            _nonce(header[len(MAGIC) :], number), chunk, _aad(header, last=last)
        )
        framed = _LENGTH.pack(len(ciphertext)) + ciphertext
        target.write(framed)
        digest.update(framed)
        sealed.plain_bytes += len(chunk)
        sealed.encrypted_bytes += len(framed)
        if last:
            break
        chunk, number = following, number + 1
    sealed.sha256 = digest.hexdigest()
    return sealed


def _frames(source: IO[bytes]) -> Iterator[bytes]:
    while length_bytes := source.read(_LENGTH.size):
        if len(length_bytes) != _LENGTH.size:
            raise BackupIntegrityError("The dump is cut off.")
        (length,) = _LENGTH.unpack(length_bytes)
        if length < _TAG_BYTES or length > CHUNK + _TAG_BYTES:
            raise BackupIntegrityError("The dump is damaged: a chunk has an impossible length.")
        frame = source.read(length)
        if len(frame) != length:
            raise BackupIntegrityError("The dump is cut off.")
        yield frame


def stream_decrypt(source: IO[bytes], target: IO[bytes], *, key: BackupKey) -> int:
    """Decrypt `source` into `target`, refusing any chunk changed, moved or missing."""
    cipher = AESGCM(key.encryption)
    header = source.read(len(MAGIC) + 8)
    if len(header) != len(MAGIC) + 8 or not header.startswith(MAGIC):
        raise BackupIntegrityError("This is not a FEJZO backup dump.")
    frames = _frames(source)
    frame = next(frames, None)
    number = written = 0
    while frame is not None:
        following = next(frames, None)
        try:
            plain = cipher.decrypt(
                _nonce(header[len(MAGIC) :], number), frame, _aad(header, last=following is None)
            )
        except InvalidTag as exc:
            raise BackupIntegrityError(
                f"The dump does not decrypt at chunk {number}: it was changed or cut off."
            ) from exc
        target.write(plain)
        written += len(plain)
        frame, number = following, number + 1
    if number == 0:
        raise BackupIntegrityError("The dump is empty.")
    return written


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


# --- The manifest ----------------------------------------------------------------------


def _canonical(values: dict[str, Any]) -> bytes:
    return json.dumps(values, sort_keys=True, separators=(",", ":"), cls=DjangoJSONEncoder).encode()


def manifest_seal(values: dict[str, Any], *, key: BackupKey) -> dict[str, Any]:
    body = {**values, "key_id": key.key_id}
    return {
        **body,
        "mac": hmac.new(key.authentication, _canonical(body), hashlib.sha256).hexdigest(),
    }


def manifest_open(sealed: dict[str, Any], *, key: BackupKey) -> dict[str, Any]:
    """Return the manifest's values if this key sealed them, else say why not."""
    body = {name: value for name, value in sealed.items() if name != "mac"}
    if body.get("key_id") != key.key_id:
        raise BackupKeyError(
            "This backup was taken with another key: the key given does not open it."
        )
    expected = hmac.new(key.authentication, _canonical(body), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, str(sealed.get("mac", ""))):
        raise BackupIntegrityError("The manifest was changed after the backup was taken.")
    return body
