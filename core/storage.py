"""The private storage of the customers' downloads, beside Django's default storage (P6, P12).

``STORAGES["exports"]`` holds the sealed downloads (privacy.sealed_files): the local
folder DATA_EXPORT_DIR, or a bucket when FEJZO_S3_BUCKET names one (core.storage_s3).
Nothing in it has an address: a download is streamed by the shop's own view after its
checks, never linked to, so ``url()`` refuses.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.functional import cached_property

EXPORTS = "exports"


def export_storage() -> Storage:
    """Return the private storage of the customers' downloads."""
    return storages[EXPORTS]


class NoAddress(ValueError):
    """A private file was asked for its address: it has none."""


class ExportFileSystemStorage(FileSystemStorage):
    """DATA_EXPORT_DIR as a storage: readable by the shop's user only, each file written whole.

    A file is written beside its final name (``<name>.<pid>.part``), flushed to disk,
    then moved into place in one step, so a reader never meets half a download and a
    build that dies leaves only a ``.part`` file (rights.export.files sweeps those).
    """

    def __init__(self, location: str | None = None) -> None:
        self._export_location = location
        super().__init__(
            location=location, file_permissions_mode=0o600, directory_permissions_mode=0o700
        )

    @cached_property
    def base_location(self) -> str:
        # Read when first used, and again after a test changes DATA_EXPORT_DIR.
        return str(self._export_location or settings.DATA_EXPORT_DIR)

    def _clear_cached_properties(self, setting: Any, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "DATA_EXPORT_DIR":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name: str | None) -> str:
        raise NoAddress(name)

    def _save(self, name: str, content: File[Any]) -> str:
        final = Path(self.path(name))
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = final.with_name(f"{final.name}.{os.getpid()}.part")
        # Readable by the shop's own user only; O_EXCL: never write into another's file.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as sink:
                for chunk in content.chunks():
                    sink.write(chunk)
                sink.flush()
                os.fsync(sink.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return name
