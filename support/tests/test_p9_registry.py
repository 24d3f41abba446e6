"""P9, P12: a case's messages, photos and mail are in the customer's download and go with
erasure and retention, all through the registry: nothing here lists a field."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from core.tests.images import phone_photo_jpeg
from mail.models import OutboxMessage
from privacy.registry import registry
from rights.erasure.engine import ErasureCause, erase_people
from rights.export import data_export_build, data_export_open
from rights.export.document import JSON_NAME
from rights.models import DataExport, ExportStatus
from rights.retention.services import retention_apply
from support.models import (
    CaseAttachment,
    CaseMail,
    CaseMessage,
    CaseStatus,
    MailDirection,
    SupportCase,
)
from support.services import (
    case_open_by_visitor,
    case_reply,
    case_save,
    cases_join_verified,
)
from support.tests.conftest import stored_photos
from support.tests.mailgun import customer_mail, post_raw, reply_to

pytestmark = pytest.mark.django_db

MAIL_TEXT = "Përshëndetje, frigoriferi që bleva nuk ftoh më që dje."
ANSWER = "Tekniku vjen të enjten; mbani garancinë gati."
REPLY = "Faleminderit! E enjtja më shkon mirë."
FORM_TEXT = "A e sillni edhe lavatriçen me të njëjtin kamion?"
SUPPORT_MODELS = (SupportCase, CaseMessage, CaseAttachment, CaseMail)


@pytest.fixture(autouse=True)
def _exports_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.DATA_EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def arta(client, owner, lead) -> User:  # type: ignore[no-untyped-def]
    """A customer who wrote by mail with a photo, called, was answered and replied, wrote
    through the contact form too, then signed in: both cases are hers. One more mail under
    her address came after her last sign-in and waits, found by her proven address."""
    person = UserFactory(first_name="Arta", last_name="Hoxha", email="arta.hoxha@example.al")
    sender = (person.get_full_name(), person.email)
    first = customer_mail(
        sender=sender,
        text=MAIL_TEXT,
        attachments=(("IMG_0042.jpg", "image/jpeg", phone_photo_jpeg(width=80, height=60)),),
    )
    post_raw(client, first)
    case = SupportCase.objects.get()
    case.assigned_to = owner
    case_save(case=case, changed=["assigned_to"], actor=lead)
    # she also called; the owner noted what she said
    case.customer_message = "Telefonoi: frigoriferi është në garanci."
    case_save(case=case, changed=["customer_message"], actor=owner)
    case_reply(case=case, body=ANSWER, actor=owner)
    sent = OutboxMessage.objects.latest("created_at")
    post_raw(client, reply_to(sent.message_id, sender=sender, text=REPLY))
    case_open_by_visitor(
        name=person.get_full_name(),
        email=person.email,
        order_number="3VF-260301-AB12C",
        body=FORM_TEXT,
        language="sq",
        actor=None,
    )
    assert cases_join_verified(user=person) == 2
    post_raw(client, customer_mail(sender=sender, subject="Edhe një pyetje", text="E treta."))
    return person


def _download(user: User) -> dict[str, Any]:
    export = DataExport.objects.create(
        user=user, language=user.language, requested_at=timezone.now()
    )
    built = data_export_build(export_id=export.pk)
    assert built is not None and built.status == ExportStatus.READY
    archive = zipfile.ZipFile(io.BytesIO(b"".join(data_export_open(export=built, user=user))))
    document = json.loads(archive.read(JSON_NAME))
    return {section["key"]: section for section in document["sections"]}


def _values(section: dict[str, Any], name: str) -> list[Any]:
    return [row.get(name) for row in section["rows"]]


def test_p9_the_download_holds_every_declared_field_of_her_cases(arta, owner):
    sections = _download(arta)

    # every field the registry declares on support's models has her values, opened
    for model in SUPPORT_MODELS:
        declaration = registry.of(model)
        assert declaration is not None
        section = sections[declaration.key]
        for name in declaration.fields:
            values = [value for value in _values(section, name) if value]
            assert values, f"{declaration.label}.{name} is empty in her download"
            assert not any(str(value).startswith("fz1$") for value in values)
    messages = _values(sections["support.CaseMessage"], "body")
    assert {MAIL_TEXT, ANSWER, REPLY, FORM_TEXT, "E treta."} <= set(messages)
    cases = sections["support.SupportCase"]
    assert "3VF-260301-AB12C" in _values(cases, "order_number")
    # the mail that waits for her next sign-in is hers by her proven address
    assert len(cases["rows"]) == 3
    mails = sections["support.CaseMail"]
    assert set(_values(mails, "sender_address")) == {arta.email, ""}
    assert "Edhe një pyetje" in _values(mails, "subject")
    photos = _values(sections["support.CaseAttachment"], "photo")
    assert photos == list(CaseAttachment.objects.values_list("photo", flat=True))


def test_p9_another_persons_download_holds_none_of_it(arta):
    stranger = UserFactory()
    sections = _download(stranger)
    for model in SUPPORT_MODELS:
        declaration = registry.of(model)
        assert declaration is not None
        assert sections[declaration.key]["rows"] == []


def test_p9_an_unproven_address_downloads_nothing_of_the_cases_under_it(arta):
    """Someone registers with her address elsewhere (another shop's account, say) without
    proving it: none of her cases are theirs, not even the one waiting by address."""
    User.objects.filter(pk=arta.pk).update(email_verified_at=None)
    arta.refresh_from_db()
    sections = _download(arta)
    assert len(sections["support.SupportCase"]["rows"]) == 2  # the two joined, by account


def test_p9_erasure_takes_her_cases_messages_photos_and_mail_through_the_registry(
    arta, owner, django_capture_on_commit_callbacks
):
    someone_else = case_open_by_visitor(
        name="Besa Leka",
        email="besa@example.al",
        order_number="",
        body="Pyetje",
        language="sq",
        actor=None,
    )
    files = set(CaseAttachment.objects.values_list("photo", flat=True))
    assert files and files <= stored_photos()
    SupportCase.objects.filter(contact_email_index=_index(arta.email)).update(
        status=CaseStatus.CLOSED, closed_at=timezone.now()
    )

    with django_capture_on_commit_callbacks(execute=True):
        erase_people([arta.pk], cause=ErasureCause.REQUEST)

    # nothing of hers: by account and by address, rows and files
    assert not SupportCase.objects.exclude(pk=someone_else.pk).exists()
    assert not CaseMessage.objects.exclude(case=someone_else).exists()
    assert not CaseMail.objects.exists() and not CaseAttachment.objects.exists()
    assert not files & stored_photos()
    for name in files:
        assert not default_storage.exists(name)
    # another visitor's case stays
    assert SupportCase.objects.filter(pk=someone_else.pk, customer=None).exists()


def test_p9_retention_deletes_a_closed_case_with_its_photos_and_mail(
    arta, owner, django_capture_on_commit_callbacks
):
    case = SupportCase.objects.get(mails__direction=MailDirection.OUTBOUND)
    files = set(case.attachments.values_list("photo", flat=True))
    case.status = CaseStatus.CLOSED
    case_save(case=case, changed=["status"], actor=owner)
    SupportCase.objects.filter(pk=case.pk).update(closed_at=timezone.now() - timedelta(days=3650))

    with django_capture_on_commit_callbacks(execute=True):
        retention_apply()

    assert not SupportCase.objects.filter(pk=case.pk).exists()
    assert not CaseMail.objects.filter(case_id=case.pk).exists()
    assert not CaseAttachment.objects.filter(case_id=case.pk).exists()
    assert not files & stored_photos()
    # her other cases, open, stay
    assert SupportCase.objects.filter(customer=arta).count() == 1


def _index(address: str) -> str:
    field = SupportCase._meta.get_field("contact_email_index")
    return field.index_for(address)  # type: ignore[union-attr]
