"""Storages in a bucket of any S3-compatible store, chosen by FEJZO_S3_BUCKET (settings.base).

Nothing in the bucket is public: objects get no ACL of their own, so they stay as
private as the bucket. Uploads keep their addresses under MEDIA_URL, where the shop
serves only the public folders (core.media); downloads have no address at all
(core.storage). Only settings name these classes, so boto3 loads only when a bucket is used.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage

from core.storage import NoAddress


class MediaS3Storage(S3Storage):
    """The default storage in a bucket: addresses under MEDIA_URL, as with the local folder."""

    def url(
        self,
        name: str,
        parameters: Any = None,
        expire: Any = None,
        http_method: Any = None,
    ) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))


class PrivateS3Storage(S3Storage):
    """The downloads in a bucket: no address, not even a signed one."""

    def url(
        self,
        name: str,
        parameters: Any = None,
        expire: Any = None,
        http_method: Any = None,
    ) -> str:
        raise NoAddress(name)
