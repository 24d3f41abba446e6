"""Sealed files of the legal register in the default storage: documents and packages (P6, P11).

Each file is sealed under a random key of its own (privacy.sealed_files), bound to its
row, and named by random letters, never by the person or the authority. The key is kept
on the row, sealed by the keyring: a copy of the storage is no use without the database
and the keys. The folders are private: core.media serves only the public ones.
"""

from __future__ import annotations

import base64
import io
import logging
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction

from privacy.crypto import keyring
from privacy.fields import associated_data
from privacy.sealed_files import SealedWriter, new_file_key, sealed_chunks

logger = logging.getLogger(__name__)

FOLDER = "legal/"
SUFFIX = ".enc"


@dataclass(frozen=True)
class StoredFile:
    storage_name: str
    # The file's key, sealed by the keyring for its row: what the row keeps.
    sealed_key: str


def _associated(model: type[models.Model], public_id: str) -> bytes:
    return associated_data(model, "file_key", public_id)


def sealed_file_save(
    *, model: type[models.Model], public_id: str, chunks: Iterable[bytes], kind: str
) -> StoredFile:
    """Seal these bytes under a new key and save them; return the name and the sealed key."""
    key = new_file_key()
    associated = _associated(model, public_id)
    buffer = io.BytesIO()
    with SealedWriter(buffer, key=key, associated=associated) as sealed:
        for chunk in chunks:
            sealed.write(chunk)
    name = default_storage.save(
        f"{FOLDER}{kind}/{secrets.token_urlsafe(24)}{SUFFIX}", ContentFile(buffer.getvalue())
    )
    sealed_key = keyring().seal(base64.urlsafe_b64encode(key).decode(), associated)
    return StoredFile(storage_name=name, sealed_key=sealed_key)


def sealed_file_open(
    *, model: type[models.Model], public_id: str, storage_name: str, sealed_key: str
) -> Iterator[bytes]:
    """Return the plaintext of a stored sealed file, chunk by chunk, each checked.

    Raises OSError when the file is gone, and privacy's DecryptionError or
    SealedFileError when it does not open with its key.
    """
    associated = _associated(model, public_id)
    key = base64.urlsafe_b64decode(keyring().open(sealed_key, associated))
    source = default_storage.open(storage_name, "rb")
    try:
        chunks = sealed_chunks(cast(BinaryIO, source), key=key, associated=associated)
    except Exception:
        source.close()
        raise

    def stream() -> Iterator[bytes]:
        with source:
            yield from chunks

    return stream()


def sealed_files_delete(names: Iterable[str]) -> None:
    """Delete these files of the register; one already gone is no error."""
    for name in names:
        if not name.startswith(FOLDER):
            continue
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("A sealed file of the legal register could not be deleted.")


def sealed_files_delete_on_commit(names: Iterable[str]) -> None:
    """Delete these files once the caller's transaction commits, not before."""
    wanted = [name for name in names if name]
    transaction.on_commit(lambda: sealed_files_delete(wanted))
