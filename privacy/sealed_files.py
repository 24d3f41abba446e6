"""Files encrypted at rest, written and read as streams in sealed chunks (P6).

A file is MAGIC and a random nonce prefix, then the plaintext in chunks of CHUNK
bytes, each sealed with AES-256-GCM under the file's own key. A chunk's nonce is
the prefix, its number and a flag set on the last chunk only, so chunks that are
reordered, dropped, or cut off at the end fail to open instead of giving a file
that is silently shorter. The associated data binds the file to what it belongs to.
Neither side ever holds more than one chunk in memory.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

MAGIC = b"FZS1"
PREFIX_BYTES = 7
CHUNK = 64 * 1024
TAG_BYTES = 16
KEY_BYTES = 32


class SealedFileError(Exception):
    """A sealed file that does not open with its key: altered, cut short, or not ours."""


def _nonce(prefix: bytes, number: int, *, last: bool) -> bytes:
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def new_file_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


class SealedWriter(io.RawIOBase):
    """A write-only, unseekable stream that seals what is written to it into `sink`.

    Closing it seals the last chunk; the sink itself is left open for the caller.
    `plaintext_size` counts the bytes written.
    """

    def __init__(self, sink: BinaryIO, *, key: bytes, associated: bytes) -> None:
        super().__init__()
        self._sink = sink
        self._cipher = AESGCM(key)
        self._associated = associated
        self._prefix = os.urandom(PREFIX_BYTES)
        self._buffer = bytearray()
        self._number = 0
        self.plaintext_size = 0
        sink.write(MAGIC + self._prefix)

    def writable(self) -> bool:
        return True

    def write(self, data: ReadableBuffer, /) -> int:
        chunk = memoryview(data).cast("B")
        self._buffer += chunk
        self.plaintext_size += len(chunk)
        # Keep at least one byte back: the last chunk is only known at close().
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(chunk)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._sink.flush()
        super().close()

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._number, last=last)
        self._sink.write(self._cipher.encrypt(nonce, plaintext, self._associated))
        self._number += 1


def sealed_chunks(source: BinaryIO, *, key: bytes, associated: bytes) -> Iterator[bytes]:
    """Yield the plaintext of a sealed file chunk by chunk, each one checked before it is given.

    The header is read at once, so a file that is not sealed fails before iteration;
    a chunk that does not open raises SealedFileError when it is reached.
    """
    header = source.read(len(MAGIC) + PREFIX_BYTES)
    if len(header) != len(MAGIC) + PREFIX_BYTES or not header.startswith(MAGIC):
        raise SealedFileError("Not a sealed file.")
    prefix = header[len(MAGIC) :]
    cipher = AESGCM(key)

    def chunks() -> Iterator[bytes]:
        current = source.read(CHUNK + TAG_BYTES)
        number = 0
        while True:
            following = source.read(CHUNK + TAG_BYTES)
            last = not following
            try:
                yield cipher.decrypt(_nonce(prefix, number, last=last), current, associated)
            except InvalidTag as exc:
                raise SealedFileError(f"Chunk {number} of a sealed file does not open.") from exc
            if last:
                return
            current = following
            number += 1

    return chunks()
