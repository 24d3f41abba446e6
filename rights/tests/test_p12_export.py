"""P12: a customer downloads everything the shop holds about them, and only they can."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from campaigns.models import Campaign, Delivery, DeliveryState
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from core.testing import run_tasks
from mail.models import MailKind, OutboxMessage
from orders.tests.factories import place_order
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind, Job
from privacy.registry import registry
from rights.export import (
    LINK_SALT,
    ExportUnavailable,
    PasswordIncorrect,
    data_export_build,
    data_export_link,
    data_export_open,
    data_export_request,
    data_exports_expire,
    key_of,
)
from rights.export.document import JSON_NAME, REPORT_NAME
from rights.export.sections import (
    INTERNAL_COLUMNS,
    export_personal_fields,
    export_section_titles,
)
from rights.models import DataExport, ExportStatus
from subscriptions.models import Topic
from subscriptions.services import subscriber_for_user
from support.models import CaseChannel, SupportCase

pytestmark = pytest.mark.django_db

PAGE = "/llogaria/te-dhenat/shkarko/"
SCHEMA = Path(settings.BASE_DIR) / "rights" / "schemas" / "data-export-v1.json"
ZIP_MAGIC = b"PK\x03\x04"


def _ready(user: User, *, language: str | None = None) -> DataExport:
    """A download of `user`'s data, built."""
    export = DataExport.objects.create(
        user=user, language=language or user.language, requested_at=timezone.now()
    )
    built = data_export_build(export_id=export.pk)
    assert built is not None and built.status == ExportStatus.READY
    return built


def _archive(export: DataExport) -> zipfile.ZipFile:
    data = b"".join(data_export_open(export=export, user=export.user))
    return zipfile.ZipFile(io.BytesIO(data))


def _document(export: DataExport) -> dict[str, Any]:
    return json.loads(_archive(export).read(JSON_NAME))


def _sections(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {section["key"]: section for section in document["sections"]}


def _path(url: str) -> str:
    return urlsplit(url).path


def _link(export: DataExport) -> str:
    return _path(data_export_link(export))


def _filled(value: Any) -> bool:
    if isinstance(value, dict):
        return _filled(value.get("value"))
    return value not in (None, "", [], {})


def _files() -> list[Path]:
    directory = Path(settings.DATA_EXPORT_DIR)
    return sorted(directory.iterdir()) if directory.is_dir() else []


def _assert_nothing_leaked(response: Any, owner: User) -> None:
    assert not response.streaming
    body = response.content
    assert ZIP_MAGIC not in body and JSON_NAME.encode() not in body
    assert owner.email.encode() not in body and owner.phone.encode() not in body


# --------------------------------------------------------------------------- what is in it


def test_p12_the_fully_used_customer_download_holds_a_value_for_every_declared_field(
    fully_used_customer: User,
) -> None:
    # given the demo customer who used every feature
    export = _ready(fully_used_customer)

    # when she opens her download
    archive = _archive(export)
    document = json.loads(archive.read(JSON_NAME))
    sections = _sections(document)

    # then it holds both files, and every field the registry declares about customers
    # has a value in it, opened, never the ciphertext
    assert sorted(archive.namelist()) == sorted([JSON_NAME, REPORT_NAME])
    missing = []
    for declaration in registry.about_customers():
        section = sections[declaration.key]
        for name in declaration.fields:
            values = [row.get(name) for row in section["rows"]]
            if not any(_filled(value) for value in values):
                missing.append(f"{declaration.label}.{name}")
            assert not any(str(value).startswith("fz1$") for value in values), name
    assert not missing, f"empty in the fully used customer's download: {missing}"
    report = archive.read(REPORT_NAME).decode()
    assert '<html lang="sq">' in report
    assert "Të dhënat tuaja te 3VFejzo" in report and "Porositë" in report
    assert settings.CONTACT_EMAIL in report
    assert fully_used_customer.phone in report


def test_p12_the_fully_used_customer_is_seeded_once_however_often_the_seed_runs(
    fully_used_customer: User,
) -> None:
    from demo.fully_used import seed_fully_used_customer

    def footprint() -> dict[str, int]:
        sections = _sections(_document(_ready(fully_used_customer)))
        return {key: len(section["rows"]) for key, section in sections.items()}

    before = footprint()
    assert seed_fully_used_customer() == fully_used_customer
    after = footprint()
    # Only the downloads themselves (and their access entries and mails) were added.
    grown = {key for key in before if before[key] != after[key]}
    assert grown <= {"privacy.DataExport", "privacy.access_record", "mail.OutboxMessage"}


def test_p12_every_section_lists_every_column_but_the_machinery(customer: User) -> None:
    document = _document(_ready(customer))
    sections = _sections(document)
    for declaration in registry.about_customers():
        fields = sections[declaration.key]["fields"]
        expected = [
            f.name
            for f in declaration.model._meta.concrete_fields
            if f.name not in INTERNAL_COLUMNS
        ]
        assert [field["name"] for field in fields] == expected
        personal = {field["name"] for field in fields if field["personal"]}
        assert personal == set(declaration.fields)
    user_row = sections["accounts.User"]["rows"][0]
    assert "password" not in user_row and "seal_id" not in user_row
    assert user_row["language"] == {"value": "sq", "label": "Shqip"}


def test_p12_the_report_is_in_the_customer_language(customer: User) -> None:
    english = UserFactory(language="en")
    product = ProductFactory(stock=10)
    for person in (customer, english):
        place_order(customer=person, quantities={product.pk: 1})

    albanian_report = _archive(_ready(customer)).read(REPORT_NAME).decode()
    english_export = _ready(english)
    english_report = _archive(english_export).read(REPORT_NAME).decode()

    assert '<html lang="sq">' in albanian_report and ">Porositë tuaja<" in albanian_report
    assert '<html lang="en">' in english_report and ">Your orders<" in english_report
    assert ">Porositë tuaja<" not in english_report
    document = _document(english_export)
    assert document["language"] == "en"
    assert _sections(document)["orders.Order"]["title"] == "Your orders"


def test_p12_the_report_escapes_what_people_wrote(customer: User) -> None:
    SupportCase.objects.create(
        customer=customer,
        channel=CaseChannel.EMAIL,
        summary="<script>alert('x')</script>",
        customer_message='<img src=x onerror="alert(1)">',
        opened_at=timezone.now(),
    )
    report = _archive(_ready(customer)).read(REPORT_NAME).decode()
    assert "<script>alert" not in report and "<img src=x" not in report
    assert "&lt;script&gt;alert" in report


def test_p12_the_json_follows_its_published_schema(fully_used_customer: User) -> None:
    document = _document(_ready(fully_used_customer))
    schema = json.loads(SCHEMA.read_text())
    assert document["schema"] == schema["$id"]
    errors = list(_validate(document, schema, schema, "$"))
    assert not errors, errors
    for section in document["sections"]:
        assert section["row_count"] == len(section["rows"])
        names = {field["name"] for field in section["fields"]}
        coded = {field["name"] for field in section["fields"] if field["coded"]}
        for row in section["rows"]:
            assert set(row) == names
            for name in coded:
                assert set(row[name]) == {"value", "label"}


def test_p12_the_access_record_section_names_roles_never_staff_or_addresses(
    customer: User,
) -> None:
    staff = UserFactory(is_staff=True, first_name="Gentiana", last_name="Muratori")
    access_record(
        actor=staff,
        actor_label="sales",
        subject_id=customer.pk,
        action=AccessAction.REVEAL,
        fields=["accounts.User.phone"],
        basis=AccessBasis.ORDER,
        reference="3VF-261127-ABCDE",
        ip_address="192.0.2.55",
    )
    archive = _archive(_ready(customer))
    data, report = archive.read(JSON_NAME).decode(), archive.read(REPORT_NAME).decode()
    section = _sections(json.loads(data))["privacy.access_record"]
    row = section["rows"][0]
    assert row["actor_label"]["value"] == "sales" and row["reference"] == "3VF-261127-ABCDE"
    assert row["fields"] == {"value": "accounts.User.phone", "label": "Telefoni"}
    for text in (data, report):
        assert "Muratori" not in text and "Gentiana" not in text and "192.0.2.55" not in text


def test_p12_the_marketing_mails_sent_are_in_the_download(customer: User) -> None:
    subscriber = subscriber_for_user(customer)
    campaign = Campaign.objects.create(
        topic=Topic.OFFERS, name="Oferta", subject_sq="Ofertat e verës", body_sq="Tekst"
    )
    unsent = Campaign.objects.create(
        topic=Topic.OFFERS, name="Tjetër", subject_sq="Nuk u dërgua", body_sq="Tekst"
    )
    sent_at = timezone.now()
    Delivery.objects.create(
        campaign=campaign, subscriber=subscriber, state=DeliveryState.SENT, sent_at=sent_at
    )
    Delivery.objects.create(campaign=unsent, subscriber=subscriber, state=DeliveryState.SKIPPED)

    rows = _sections(_document(_ready(customer)))["campaigns.sent_campaigns"]["rows"]

    assert [(row["campaign"], row["subject"]) for row in rows] == [(campaign.pk, "Ofertat e verës")]


# --------------------------------------------------------------------------- the flow


def test_p12_asking_with_the_password_mails_a_link_that_downloads_the_file(
    customer_client: Any, customer: User, mailoutbox: list[Any]
) -> None:
    AddressFactory(user=customer, courier_notes="Zilja e tretë")
    page = customer_client.get(PAGE)
    assert page.status_code == 200
    for title in export_section_titles():
        assert f"<li>{escape(title)}</li>" in page.content.decode()

    # when the customer asks with their password
    response = customer_client.post(PAGE, {"password": TEST_PASSWORD}, follow=True)
    assert "Do t&#x27;ju dërgojmë një email kur skedari të jetë gati" in response.content.decode()
    run_tasks()

    # then a mail brings the link, which gives them the file
    export = DataExport.objects.get(user=customer)
    assert export.status == ExportStatus.READY
    assert export.expires_at == export.ready_at + timedelta(days=settings.DATA_EXPORT_LINK_DAYS)
    [mail] = [m for m in mailoutbox if "shkarkim" in m.subject]
    assert mail.to == [customer.email]
    assert customer.last_name not in mail.body and customer.phone not in mail.body
    link = re.search(r"http\S+/llogaria/te-dhenat/shkarko/\S+/", mail.body)
    assert link is not None
    assert f"{export.expires_at.astimezone(timezone.get_current_timezone()):%-d.%-m.%Y}" in (
        mail.body
    )
    download = customer_client.get(_path(link.group(0)))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Cache-Control"] == "no-store"
    day = timezone.localdate(export.ready_at)
    assert download["Content-Disposition"] == (
        f'attachment; filename="3vfejzo-te-dhenat-{day:%Y-%m-%d}.zip"'
    )
    body = b"".join(download.streaming_content)
    assert int(download["Content-Length"]) == len(body) == export.size
    archive = zipfile.ZipFile(io.BytesIO(body))
    assert "Zilja e tretë" in archive.read(REPORT_NAME).decode()
    export.refresh_from_db()
    assert export.downloaded_at is not None
    entries = AccessEntry.objects.filter(subject_id=customer.pk, action=AccessAction.EXPORT)
    assert {(e.actor_kind, e.actor_label, e.basis) for e in entries} == {
        (ActorKind.JOB, Job.BUILD_EXPORT, AccessBasis.DATA_REQUEST),
        (ActorKind.CUSTOMER, "", AccessBasis.DATA_REQUEST),
    }
    built = entries.get(actor_kind=ActorKind.JOB)
    assert built.field_names == sorted(export_personal_fields())
    assert built.actor_id is None


def test_p12_a_wrong_password_is_refused_and_queues_nothing(
    customer_client: Any, customer: User
) -> None:
    response = customer_client.post(PAGE, {"password": "jo-ky-fjalekalim"})
    assert response.status_code == 400
    assert "Fjalëkalimi nuk është i saktë" in response.content.decode()
    assert not DataExport.objects.exists()
    assert not DBTaskResult.objects.filter(task_path__startswith="rights.tasks.").exists()
    with pytest.raises(PasswordIncorrect):
        data_export_request(user=customer, password="", language="sq")


def test_p12_one_download_waits_at_a_time_and_a_second_build_does_nothing(
    customer: User,
) -> None:
    first = data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    again = data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    assert again.pk == first.pk
    tasks = DBTaskResult.objects.filter(task_path="rights.export.build.data_export_build_task")
    assert list(tasks.values_list("args_kwargs__args", flat=True)) == [[str(first.pk)]]

    run_tasks()
    assert tasks.get().status == TaskResultStatus.SUCCESSFUL
    built = DataExport.objects.get(pk=first.pk)
    assert data_export_build(export_id=first.pk) == built
    assert DataExport.objects.get(pk=first.pk).file_key == built.file_key
    mails = OutboxMessage.objects.filter(recipient=customer, kind=MailKind.DATA_EXPORT_READY)
    assert mails.count() == 1
    builds = AccessEntry.objects.filter(subject_id=customer.pk, action=AccessAction.EXPORT)
    assert builds.count() == 1
    assert len(_files()) == 1
    # Ready, another may be asked for.
    assert data_export_request(user=customer, password=TEST_PASSWORD, language="sq") != built


# --------------------------------------------------------------------------- refusals


@pytest.fixture
def ready_export(customer: User) -> DataExport:
    return _ready(customer)


def test_p12_another_customer_gets_a_404_and_nothing_of_the_file(
    client: Any, ready_export: DataExport, other_customer: User
) -> None:
    client.force_login(other_customer)
    response = client.get(_link(ready_export))
    assert response.status_code == 404
    _assert_nothing_leaked(response, ready_export.user)
    ready_export.refresh_from_db()
    assert ready_export.downloaded_at is None


def test_p12_an_anonymous_visitor_gets_a_403_and_never_the_file(
    client: Any, ready_export: DataExport
) -> None:
    for path in (_link(ready_export), PAGE):
        response = client.get(path)
        assert response.status_code == 403
        login = f"{reverse('accounts:login')}?{urlencode({'next': path})}"
        assert login.replace("&", "&amp;") in response.content.decode()
        _assert_nothing_leaked(response, ready_export.user)
    assert client.post(PAGE, {"password": TEST_PASSWORD}).status_code == 403
    assert DataExport.objects.count() == 1


def test_p12_staff_who_are_not_the_owner_get_a_404(client: Any, ready_export: DataExport) -> None:
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(_link(ready_export))
    assert response.status_code == 404
    _assert_nothing_leaked(response, ready_export.user)


def test_p12_a_forged_link_gets_a_404(customer_client: Any, ready_export: DataExport) -> None:
    genuine = _link(ready_export).rstrip("/").rpartition("/")[2]
    forged = [
        genuine[:-2] + ("AA" if not genuine.endswith("AA") else "BB"),
        signing.dumps(ready_export.public_id, salt="another.purpose"),
        signing.dumps(str(ready_export.pk), salt=LINK_SALT),
        ready_export.public_id,
    ]
    for token in forged:
        response = customer_client.get(f"{PAGE}{token}/")
        assert response.status_code == 404, token
        _assert_nothing_leaked(response, ready_export.user)


def test_p12_an_expired_link_gets_a_404(customer_client: Any, ready_export: DataExport) -> None:
    days = settings.DATA_EXPORT_LINK_DAYS
    signed_at = timezone.now() - timedelta(days=days, minutes=1)
    with mock.patch("django.core.signing.time.time", return_value=signed_at.timestamp()):
        old_link = _link(ready_export)
    response = customer_client.get(old_link)
    assert response.status_code == 404
    _assert_nothing_leaked(response, ready_export.user)
    with pytest.raises(ExportUnavailable):
        data_export_open(
            export=ready_export,
            user=ready_export.user,
            now=timezone.now() + timedelta(days=days, seconds=1),
        )


def test_p12_an_expired_download_is_deleted_with_its_file_and_its_link_gets_a_404(
    customer_client: Any, ready_export: DataExport, django_capture_on_commit_callbacks: Any
) -> None:
    link = _link(ready_export)
    later = timezone.now() + timedelta(days=settings.DATA_EXPORT_LINK_DAYS, seconds=1)
    assert len(_files()) == 1
    assert data_exports_expire(now=timezone.now()) == 0

    assert data_exports_expire(now=later, dry_run=True) == 1
    assert DataExport.objects.filter(pk=ready_export.pk).exists() and len(_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_expire(now=later) == 1

    assert not DataExport.objects.filter(pk=ready_export.pk).exists()
    assert _files() == []
    response = customer_client.get(link)
    assert response.status_code == 404
    _assert_nothing_leaked(response, ready_export.user)


# --------------------------------------------------------------------------- at rest


def test_p12_the_file_on_disk_is_sealed_and_named_by_number_only(
    fully_used_customer: User,
) -> None:
    export = _ready(fully_used_customer)
    [path] = _files()
    assert re.fullmatch(rf"{export.pk}-[0-9a-f]{{24}}\.zip\.enc", path.name)
    assert path.stat().st_mode & 0o077 == 0
    raw = path.read_bytes()
    for plain in (
        fully_used_customer.email,
        fully_used_customer.first_name,
        fully_used_customer.last_name,
        fully_used_customer.phone,
        "Myslym Shyri",
        JSON_NAME,
    ):
        assert plain.encode() not in raw, plain
    assert ZIP_MAGIC not in raw
    # The key lives on the row only; the file alone opens nothing.
    assert export.file_key and export.file_key.encode() not in raw


def test_p12_the_file_key_is_sealed_under_the_encryption_keys(ready_export: DataExport) -> None:
    from privacy.crypto import DecryptionError, keyring

    assert ready_export.file_key.startswith("fz1$")
    assert len(key_of(ready_export)) == 32
    # Bound to its row: moved to another export, it does not open.
    other = DataExport(public_id="another-export-id", user=ready_export.user)
    other.file_key = ready_export.file_key
    with pytest.raises(DecryptionError):
        key_of(other)
    assert keyring().newest_id in ready_export.file_key


def test_p12_deleting_a_download_deletes_its_file_once_committed(
    ready_export: DataExport, django_capture_on_commit_callbacks: Any
) -> None:
    assert len(_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        DataExport.objects.filter(pk=ready_export.pk).delete()
    assert _files() == []


# --------------------------------------------------------------------------- cost


def test_p12_building_costs_the_same_queries_for_3_orders_as_for_30() -> None:
    product = ProductFactory(stock=100)
    counts = []
    for orders in (3, 30):
        person = UserFactory()
        AddressFactory(user=person)
        for _ in range(orders):
            place_order(customer=person, quantities={product.pk: 1})
        export = DataExport.objects.create(user=person, language="sq", requested_at=timezone.now())
        with CaptureQueriesContext(connection) as queries:
            data_export_build(export_id=export.pk)
        counts.append(len(queries))
        sections = _sections(_document(DataExport.objects.get(pk=export.pk)))
        assert sections["orders.Order"]["row_count"] == orders
        assert sections["orders.OrderLine"]["row_count"] == orders
    assert counts[0] == counts[1], counts


def test_p12_the_profile_page_links_to_the_download(customer_client: Any) -> None:
    page = customer_client.get("/llogaria/").content.decode()
    assert f'href="{PAGE}"' in page


# --------------------------------------------------------------------------- helpers


JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "boolean": bool,
    "null": type(None),
    "number": (int, float),
}


def _validate(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str) -> Any:
    """Check `value` against the parts of JSON Schema the export's schema uses.

    jsonschema is not a dependency; this covers $ref, type, const, enum, required,
    properties, items and minimum, which is all data-export-v1.json says.
    """
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        yield from _validate(value, root["$defs"][name], root, at)
        return
    if "const" in schema and value != schema["const"]:
        yield f"{at}: {value!r} is not {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        yield f"{at}: {value!r} is not one of {schema['enum']}"
    if "type" in schema:
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        fits = any(
            isinstance(value, JSON_TYPES[kind])
            and not (kind in ("integer", "number") and isinstance(value, bool))
            for kind in kinds
        )
        if not fits:
            yield f"{at}: {type(value).__name__} is not {kinds}"
            return
    if "minimum" in schema and value < schema["minimum"]:
        yield f"{at}: {value} < {schema['minimum']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                yield f"{at}: {key} is missing"
        for key, part in schema.get("properties", {}).items():
            if key in value:
                yield from _validate(value[key], part, root, f"{at}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            yield from _validate(item, schema["items"], root, f"{at}[{index}]")


def test_p12_the_download_carries_no_link_that_acts_without_signing_in(customer: User) -> None:
    from rights.requests.services import erasure_request_by_customer

    erasure_request_by_customer(user=customer, password=TEST_PASSWORD)
    export = _ready(customer)

    archive = _archive(export)
    for name in (JSON_NAME, REPORT_NAME):
        content = archive.read(name).decode()
        assert "/fshirja/konfirmo/" not in content
        assert "/llogaria/verifiko/" not in content
    mails = _sections(_document(export))["mail.OutboxMessage"]
    assert mails["rows"] and all("[lidhja u hoq]" in str(row) for row in mails["rows"][:1])


def test_p12_guessing_the_password_on_the_download_page_locks_it(customer_client, customer):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        customer_client.post(PAGE, {"password": f"gabim-{attempt}"})

    response = customer_client.post(PAGE, {"password": TEST_PASSWORD})

    # The sign-in lockout's own page (django-axes), as after five wrong sign-ins.
    assert response.status_code == 429
    assert not DataExport.objects.filter(user=customer).exists()
