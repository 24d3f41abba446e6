"""P12: whose a row is. By account, and — for rows no account owns — by the address.

A row an account owns is that account's, whoever holds its address now; a row no
account owns (a footer sign-up, a mail to an address) belongs to the person whose
address it is. Download and erasure ask the same question, so they agree.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from django.utils import timezone

from accounts.models import User
from accounts.services import email_change_confirm, email_change_request
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessEntry
from privacy.registry import registry
from privacy.roles import Role
from rights.erasure.engine import ErasureCause, erase_people
from rights.export import data_export_build, data_export_open, data_export_request
from rights.holds.services import legal_hold_place
from rights.models import HoldKind
from staff.tests.factories import StaffFactory
from subscriptions.models import Channel, Subscriber, SubscriptionEvent, Topic
from subscriptions.services import (
    address_index,
    footer_subscribe,
    opt_out_record,
    subscription_confirm,
)
from subscriptions.tokens import confirmation_token

pytestmark = pytest.mark.django_db


def _download(user: User) -> dict:  # type: ignore[type-arg]
    export = data_export_request(user=user, password=TEST_PASSWORD, language="sq")
    data_export_build(export_id=export.pk)
    export.refresh_from_db()
    with zipfile.ZipFile(BytesIO(b"".join(data_export_open(export=export, user=user)))) as zipped:
        return {
            "json": json.loads(zipped.read("data.json")),
            "text": zipped.read("data.json").decode() + zipped.read("report.html").decode(),
        }


def _change_email(user: User, new_email: str) -> None:
    email_change_request(user=user, new_email=new_email, password=TEST_PASSWORD)
    mail = OutboxMessage.objects.filter(kind=MailKind.EMAIL_CHANGE_CONFIRM).latest("created_at")
    token = re.search(r"/email/konfirmo/([\w-]+)/", mail.body_text)
    assert token
    email_change_confirm(token=token.group(1))


def _decrypted() -> str:
    values = []
    for model, entry in registry.encrypted_fields():
        for row in model._default_manager.only("pk", "seal_id", entry.name).iterator():
            values.append(str(getattr(row, entry.name) or ""))
    return "\n".join(values)


def test_p12_mail_to_a_reused_address_stays_its_first_owners() -> None:
    product = ProductFactory(stock=10)
    alketa = UserFactory(email="shared@example.al", first_name="Alketa")
    place_order(customer=alketa, quantities={product.pk: 1})
    _change_email(alketa, "alketa@example.al")
    hers = OutboxMessage.objects.filter(recipient=alketa).count()
    bujar = UserFactory(email="shared@example.al", first_name="Bujar")

    download = _download(bujar)
    erase_people([bujar.pk], cause=ErasureCause.REQUEST)

    mails = next(s for s in download["json"]["sections"] if s["key"] == "mail.OutboxMessage")
    assert alketa.pk not in {row["recipient"] for row in mails["rows"]}
    assert "Alketa" not in download["text"]
    assert OutboxMessage.objects.filter(recipient=alketa).count() == hers


def test_p12_a_staff_note_on_a_footer_sign_up_goes_with_the_person() -> None:
    customer = UserFactory(email="besa.krasniqi@example.al")
    footer_subscribe(email=customer.email, topics=[Topic.OFFERS], language="sq")
    row = Subscriber.objects.get(email_index=address_index(customer.email))
    subscription_confirm(token=confirmation_token(row.public_id))
    note = "Besa telefonoi nga +355691112233, nuk do oferta"
    opt_out_record(
        person=row, channel=Channel.PHONE, note=note, actor=StaffFactory(role=Role.CUSTOMER_CARE)
    )

    download = _download(customer)
    erase_people([customer.pk], cause=ErasureCause.REQUEST)

    sections = {s["key"]: s for s in download["json"]["sections"]}
    assert sections["subscriptions.SubscriptionEvent"]["rows"]
    assert not SubscriptionEvent.objects.exclude(note="").exists()
    assert note not in _decrypted()


def test_p12_an_authoritys_hold_is_not_in_the_persons_download() -> None:
    customer = UserFactory()
    reason = "Kërkesë e Prokurorisë nr. 123/2026, mos njoftoni"
    legal_hold_place(
        subject=customer,
        kind=HoldKind.LEGAL_REQUEST,
        reason=reason,
        review_on=timezone.localdate() + timedelta(days=60),
        actor=StaffFactory(role=Role.DATA_PROTECTION_OFFICER),
    )

    text = _download(customer)["text"]

    # The download's schema names the fields a hold may have (one is `legal_request`);
    # neither this hold's reason nor its kind may show.
    assert "Prokurorisë" not in text
    assert '"kind": "legal_request"' not in text
    assert str(HoldKind.LEGAL_REQUEST.label) not in text


def test_p12_the_customers_own_download_records_no_network_address(customer_client, customer):
    from rights.export import data_export_link

    export = data_export_request(user=customer, password=TEST_PASSWORD, language="sq")
    data_export_build(export_id=export.pk)
    export.refresh_from_db()

    response = customer_client.get(
        re.sub(r"^https?://[^/]+", "", data_export_link(export)), REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = AccessEntry.objects.filter(actor=customer, action=AccessAction.EXPORT).get()
    assert entry.ip_address is None


def test_p12_rows_under_an_address_the_account_left_go_with_the_person() -> None:
    customer = UserFactory(email="drita.old@example.al")
    footer_subscribe(email=customer.email, topics=[Topic.NEWSLETTER], language="sq")
    row = Subscriber.objects.get(email_index=address_index(customer.email))
    subscription_confirm(token=confirmation_token(row.public_id))
    _change_email(customer, "drita.new@example.al")

    erase_people([customer.pk], cause=ErasureCause.REQUEST)

    left = _decrypted()
    assert "drita.old@example.al" not in left and "drita.new@example.al" not in left
    assert not Subscriber.objects.exists()


def test_p12_failed_sign_ins_under_the_address_are_in_the_download(client) -> None:
    customer = UserFactory(email="arben.krasniqi@example.al")
    client.post(
        "/llogaria/hyr/",
        {"username": customer.email, "password": "gabim"},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="Telefoni i Arbenit",
    )

    sections = {s["key"]: s for s in _download(customer)["json"]["sections"]}

    rows = sections["accounts.failed_sign_ins"]["rows"]
    assert rows and rows[0]["ip_address"] == "198.51.100.7"
    assert rows[0]["user_agent"] == "Telefoni i Arbenit"


def test_p12_an_address_never_verified_finds_nobody_elses_rows() -> None:
    from accounts.tests.factories import UnverifiedUserFactory

    footer_subscribe(email="owner@example.al", topics=[Topic.OFFERS], language="sq")
    row = Subscriber.objects.get(email_index=address_index("owner@example.al"))
    subscription_confirm(token=confirmation_token(row.public_id))
    squatter = UnverifiedUserFactory(email="owner@example.al")

    sections = {s["key"]: s for s in _download(squatter)["json"]["sections"]}
    erase_people([squatter.pk], cause=ErasureCause.RETENTION)

    assert not sections["subscriptions.Subscriber"]["rows"]
    assert not sections["mail.OutboxMessage"]["rows"] or all(
        row["recipient"] == squatter.pk for row in sections["mail.OutboxMessage"]["rows"]
    )
    assert Subscriber.objects.filter(pk=row.pk).exists()
    from subscriptions.services import is_suppressed

    assert not is_suppressed("owner@example.al")
