"""A real S3-compatible server for tests: moto in server mode, in a process of its own.

``s3_server()`` starts ``moto_server`` on a free loopback port, waits until it answers,
creates the bucket and yields the endpoint URL; it stops the server when the block
ends, whatever happened inside. The shop reaches it as it reaches any S3-compatible
store: FEJZO_S3_BUCKET, FEJZO_S3_ENDPOINT_URL and the AWS_* credentials
(``s3_environ``), or the STORAGES of ``s3_storages`` inside the test process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from core.testing import free_port

BUCKET = "fejzo-test"
REGION = "eu-central-1"
# moto accepts any credentials; these only have to be present and the same everywhere.
ACCESS_KEY = "fejzo-test-access-key"  # noqa: S105
SECRET_KEY = "fejzo-test-secret-key"  # noqa: S105
START_TIMEOUT_SECONDS = 30.0


def _moto_command(port: int) -> list[str]:
    executable = Path(sys.executable).with_name("moto_server")
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "moto.server"]
    return [*command, "-H", "127.0.0.1", "-p", str(port)]


def _wait_until_answering(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):  # noqa: S310 (loopback)
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer at {url}")


def s3_environ(endpoint_url: str, *, bucket: str = BUCKET) -> dict[str, str]:
    """Return the environment that points the shop's processes at this server."""
    return {
        "FEJZO_S3_BUCKET": bucket,
        "FEJZO_S3_ENDPOINT_URL": endpoint_url,
        "FEJZO_S3_REGION": REGION,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    }


def s3_client(endpoint_url: str) -> Any:
    """Return a boto3 client of this server, to look into the bucket from a test."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def s3_storages(endpoint_url: str, *, bucket: str = BUCKET) -> dict[str, dict[str, Any]]:
    """Return STORAGES as settings.base builds them for this server (the S3 branch)."""
    common = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url,
        "region_name": REGION,
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "addressing_style": "path",
        "default_acl": None,
        "file_overwrite": False,
    }
    return {
        "default": {
            "BACKEND": "core.storage_s3.MediaS3Storage",
            "OPTIONS": {**common, "location": "media"},
        },
        "exports": {
            "BACKEND": "core.storage_s3.PrivateS3Storage",
            "OPTIONS": {**common, "location": "exports"},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@contextlib.contextmanager
def s3_server(*, bucket: str = BUCKET) -> Iterator[str]:
    """Start moto_server on a free port with ``bucket`` created; yield its endpoint URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 (our own virtualenv's moto_server)
        _moto_command(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "AWS_DEFAULT_REGION": REGION},
        start_new_session=True,
    )
    try:
        _wait_until_answering(url, process)
        s3_client(url).create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def bucket_names(endpoint_url: str, *, bucket: str = BUCKET, prefix: str = "") -> list[str]:
    """Return the names of the objects in the bucket under ``prefix``, sorted."""
    client = s3_client(endpoint_url)
    names: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        names.extend(item["Key"] for item in page.get("Contents", []))
    return sorted(names)
