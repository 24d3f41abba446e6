"""Shared storage (issue 17; P6, P9, P11, P12): every file path runs against a real
S3-compatible server (moto in its own process), lands in the bucket, comes back through
the shop, and stays refused to whoever was refused before. Without FEJZO_S3_BUCKET the
local folders stay in use."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from catalog.photos import photo_url, product_photo_add
from catalog.renditions import photo_files, photo_renditions_make
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from core.storage import NoAddress, export_storage
from core.testing import run_tasks
from core.testing.s3 import BUCKET, bucket_names, s3_client, s3_environ, s3_storages
from core.tests.images import phone_photo_jpeg
from core.uploads import image_clean
from legal.models import DisclosurePackage
from legal.services import (
    legal_request_decide,
    legal_request_disclose,
    package_link,
)
from legal.tests.factories import police_request_register
from privacy.roles import Role
from rights.export import data_export_link, data_exports_expire
from rights.models import DataExport, ExportStatus
from staff.tests.factories import StaffFactory
from support.models import CaseAttachment
from support.services import case_open_by_customer

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXPORT_PAGE = "/llogaria/te-dhenat/shkarko/"


@pytest.fixture
def bucket(s3_server: str, settings: Any, tmp_path: Path) -> Iterator[str]:
    """Point the default and the exports storage at the moto bucket; yield its endpoint."""
    settings.STORAGES = s3_storages(s3_server)
    # Nothing may reach the local folders while a bucket is configured.
    settings.DATA_EXPORT_DIR = tmp_path / "exports"
    settings.MEDIA_ROOT = tmp_path / "media"
    yield s3_server
    assert not (tmp_path / "exports").exists()
    assert not (tmp_path / "media").exists()


def _object(endpoint: str, key: str) -> bytes:
    return bytes(s3_client(endpoint).get_object(Bucket=BUCKET, Key=key)["Body"].read())


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_p12_download_is_built_into_the_bucket_and_fetched_only_by_its_customer(
    bucket: str, client: Client, customer: User, other_customer: User
) -> None:
    # given a customer who asks for their data
    client.force_login(customer)
    assert client.post(EXPORT_PAGE, {"password": TEST_PASSWORD}).status_code == 302
    export = DataExport.objects.get(user=customer)

    # when the worker builds it
    run_tasks()

    # then the sealed file is in the bucket's private exports, naming nobody
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    (key,) = bucket_names(bucket, prefix="exports/")
    assert key.startswith(f"exports/{export.pk}-") and key.endswith(".zip.enc")
    sealed = _object(bucket, key)
    assert not sealed.startswith(b"PK")
    assert customer.last_name.encode() not in sealed and customer.email.encode() not in sealed
    assert bucket_names(bucket, prefix="media/") == []
    # and it has no address of its own, signed or not
    with pytest.raises(NoAddress):
        export_storage().url(key.removeprefix("exports/"))

    # when the customer follows the mailed link
    link = urlsplit(data_export_link(export)).path
    response = client.get(link)

    # then the shop streams the ZIP out of the bucket
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(_body(response)))
    assert customer.email in archive.read("data.json").decode()

    # when another customer, or nobody, follows the same link
    client.force_login(other_customer)
    refused = client.get(link)
    client.logout()
    anonymous = client.get(link)

    # then neither gets a byte of it
    assert refused.status_code == 404
    assert customer.email.encode() not in _body(refused)
    assert anonymous.status_code == 403 and not anonymous.get("Content-Disposition")
    assert customer.email.encode() not in _body(anonymous)

    # when the link expires, the file leaves the bucket with its row
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(1))
    assert data_exports_expire() == 1
    assert bucket_names(bucket, prefix="exports/") == []


def test_p12_a_half_written_or_orphaned_file_in_the_bucket_is_swept(bucket: str) -> None:
    # given a file no download owns any more (its build died after writing)
    s3_client(bucket).put_object(
        Bucket=BUCKET, Key=f"exports/999999-{'0' * 24}.zip.enc", Body=b"sealed"
    )

    # when the retention job runs
    data_exports_expire()

    # then it is gone
    assert bucket_names(bucket, prefix="exports/") == []


def test_p14_photo_and_its_renditions_land_in_the_bucket_and_the_shop_serves_them(
    bucket: str, client: Client
) -> None:
    # given a product photo added from the back office's cleaned upload
    product = ProductFactory()
    upload = SimpleUploadedFile("IMG_Arben.jpg", phone_photo_jpeg(), content_type="image/jpeg")
    photo = product_photo_add(
        product=product,
        image=image_clean(upload),
        alt_sq="Pamja nga para",
        actor=None,
        schedule=lambda photo_id: None,
    )

    # when its renditions are made (as the worker does)
    assert photo_renditions_make(photo_id=photo.pk) is True
    photo.refresh_from_db()

    # then the original and every rendition are objects under media/
    names = photo_files(photo)
    assert len(names) > 1
    assert bucket_names(bucket, prefix="media/") == sorted(f"media/{name}" for name in names)

    # and each is served by the shop at its MEDIA_URL address, as from the local folder
    for name in names:
        url = photo_url(name)
        assert url == f"/media/{name}"
        response = client.get(url)
        assert response.status_code == 200
        assert _body(response) == _object(bucket, f"media/{name}")


def test_p9_support_photo_lands_in_the_bucket_and_opens_only_for_its_case(
    bucket: str, client: Client, customer: User, other_customer: User
) -> None:
    # given a customer who sends a photo with a new message on their case
    case = case_open_by_customer(
        customer=customer, summary="Frigoriferi", body="Dera u thye.", order=None, actor=customer
    )
    client.force_login(customer)
    upload = SimpleUploadedFile("IMG_1234.jpg", phone_photo_jpeg(width=160, height=120))
    client.post(
        reverse("support:case_detail", args=[case.pk]), {"body": "Ja foto.", "photos": [upload]}
    )
    attachment = CaseAttachment.objects.get(case=case)

    # then the photo is an object in the bucket, outside the public folders
    assert bucket_names(bucket, prefix="media/support/") == [f"media/{attachment.photo}"]
    url = reverse("support:case_photo", args=[case.pk, attachment.pk])
    shown = client.get(url)
    assert shown.status_code == 200
    assert _body(shown) == _object(bucket, f"media/{attachment.photo}")

    # and the shop's media address never serves it; another customer and staff without
    # the case get nothing
    assert client.get(f"/media/{attachment.photo}").status_code == 404
    client.force_login(other_customer)
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory(role=Role.SALES))
    staff_url = reverse("admin:support_supportcase_photo", args=[case.pk, attachment.pk])
    assert client.get(staff_url).status_code in (302, 403, 404)


def test_p11_legal_documents_and_package_are_sealed_in_the_bucket(
    bucket: str, client: Client
) -> None:
    # given a request from the police, with its document, approved and disclosed
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    person = UserFactory()
    request = police_request_register(people=[person], actor=officer)
    request = legal_request_decide(
        request=request,
        outcome="approved",
        reason="Kërkesë e rregullt e policisë.",
        actor=officer,
    )
    package = legal_request_disclose(request=request, actor=officer)

    # then the document and the package are sealed objects in the bucket
    names = bucket_names(bucket, prefix="media/legal/")
    document = request.documents.get()
    package = DisclosurePackage.objects.get(pk=package.pk)
    assert f"media/{document.storage_name}" in names
    assert f"media/{package.storage_name}" in names
    for name in names:
        content = _object(bucket, name)
        assert b"urdher" not in content and not content.startswith(b"PK")
        assert person.email.encode() not in content

    # and the package comes back whole through its link, nothing through a forged one
    link = urlsplit(package_link(package)).path
    response = client.get(link)
    assert response.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(_body(response))).read("data.json"))
    assert person.email in json.dumps(data)
    assert client.get(link.rstrip("/") + "x/").status_code == 404
    assert client.get(f"/media/{package.storage_name}").status_code == 404


def _storages_under(environ: dict[str, str]) -> dict[str, Any]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FEJZO_S3_")}
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [
            sys.executable,
            "-c",
            "import json, config.settings.local as s; print(json.dumps(s.STORAGES))",
        ],
        cwd=ROOT,
        env={**env, **environ},
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_p6_local_folders_stay_the_default_and_a_bucket_is_chosen_by_the_environment() -> None:
    local = _storages_under({})
    assert local["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert local["exports"]["BACKEND"] == "core.storage.ExportFileSystemStorage"

    chosen = _storages_under(s3_environ("http://127.0.0.1:9", bucket="fejzo-media"))
    assert chosen["default"]["BACKEND"] == "core.storage_s3.MediaS3Storage"
    assert chosen["exports"]["BACKEND"] == "core.storage_s3.PrivateS3Storage"
    for alias, prefix in (("default", "media"), ("exports", "exports")):
        options = chosen[alias]["OPTIONS"]
        assert options["bucket_name"] == "fejzo-media"
        assert options["endpoint_url"] == "http://127.0.0.1:9"
        assert options["location"] == prefix
        # private objects: no ACL of their own, never overwritten
        assert options["default_acl"] is None and options["file_overwrite"] is False
        # credentials come from the standard AWS_* variables, never from settings
        assert "access_key" not in options and "secret_key" not in options


def test_p12_local_download_file_is_private_to_the_shop_user(
    settings: Any, tmp_path: Path, customer: User
) -> None:
    # given no bucket: the downloads' local folder
    settings.DATA_EXPORT_DIR = tmp_path / "exports"
    export = DataExport.objects.create(user=customer, language="sq", requested_at=timezone.now())

    # when a download is built
    from rights.export import data_export_build

    built = data_export_build(export_id=export.pk)

    # then it is one file, readable by the shop's user only, in a folder only it opens
    assert built is not None and built.status == ExportStatus.READY
    (stored,) = (tmp_path / "exports").iterdir()
    assert stored.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "exports").stat().st_mode & 0o777 == 0o700
    assert default_storage is not export_storage()
