"""P10: corrections reach open jobs, jobs are closed on the portal, the customer sees who
saw what, the DPO keeps the lists and is reminded before an agreement ends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail as django_mail
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import address_save
from accounts.tests.factories import AddressFactory
from conftest import TEST_PASSWORD
from contractors.models import Job, JobStatus
from contractors.services import ContractorError, agreements_ending_remind, allowance_add
from contractors.tests.conftest import person_of, portal_client
from contractors.tests.factories import AgreementFactory, CompanyFactory, function
from mail.models import MailKind, OutboxMessage
from privacy.models import AccessAction, AccessEntry


def test_p10_a_customers_address_correction_reaches_the_open_job_at_once(
    customer: Any, order: Any, courier: Any, delivery_job: Job
) -> None:
    # given the address the order was delivered to, in the customer's book
    address = AddressFactory(
        user=customer, municipality="tirane", street="Rr. Myslym Shyri 10", courier_notes=""
    )
    client = portal_client(courier)
    before = client.get(f"/kontraktoret/pune/{delivery_job.pk}/").content.decode()
    assert "Rr. Myslym Shyri 10" in before
    # when the customer corrects it
    address_save(
        user=customer,
        address=address,
        municipality="tirane",
        street="Rr. Barrikadave 5",
        courier_notes="Kati i tretë",
        make_default=False,
    )
    # then the courier's next look shows the new one, and never the old
    body = client.get(f"/kontraktoret/pune/{delivery_job.pk}/").content.decode()
    assert "Rr. Barrikadave 5" in body
    assert "Kati i tretë" in body
    assert "Rr. Myslym Shyri 10" not in body


def test_p10_the_courier_marks_the_job_delivered(courier: Any, delivery_job: Job) -> None:
    client = portal_client(courier)
    response = client.post(f"/kontraktoret/pune/{delivery_job.pk}/kryer/")
    assert response.status_code == 302
    delivery_job.refresh_from_db()
    assert delivery_job.status == JobStatus.DONE
    assert delivery_job.closed_by_id == courier.user_id
    assert delivery_job.closed_at is not None


def test_p10_a_failed_delivery_needs_a_reason_and_records_it(
    courier: Any, delivery_job: Job
) -> None:
    client = portal_client(courier)
    client.post(f"/kontraktoret/pune/{delivery_job.pk}/nuk-u-krye/", {"reason": "  "})
    delivery_job.refresh_from_db()
    assert delivery_job.status == JobStatus.OPEN
    client.post(
        f"/kontraktoret/pune/{delivery_job.pk}/nuk-u-krye/",
        {"reason": "Klienti nuk u përgjigj në telefon"},
    )
    delivery_job.refresh_from_db()
    assert delivery_job.status == JobStatus.FAILED
    assert delivery_job.failure_reason == "Klienti nuk u përgjigj në telefon"
    change = AccessEntry.objects.get(action=AccessAction.CHANGE, actor_id=courier.user_id)
    assert change.field_names == ["contractors.Job.failure_reason"]


def test_p10_closing_needs_the_csrf_token(courier: Any, delivery_job: Job) -> None:
    client = portal_client(courier, enforce_csrf_checks=True)
    response = client.post(f"/kontraktoret/pune/{delivery_job.pk}/kryer/")
    assert response.status_code == 403
    delivery_job.refresh_from_db()
    assert delivery_job.status == JobStatus.OPEN


def test_p10_another_company_cannot_close_the_job(delivery_job: Job) -> None:
    other = CompanyFactory(name="Kompania Y")
    AgreementFactory(company=other)
    response = portal_client(person_of(other, "delivery")).post(
        f"/kontraktoret/pune/{delivery_job.pk}/kryer/"
    )
    assert response.status_code == 404
    delivery_job.refresh_from_db()
    assert delivery_job.status == JobStatus.OPEN


def test_p10_the_customer_sees_which_fields_the_company_saw(
    customer: Any, customer_client: Any, order: Any, courier: Any, delivery_job: Job
) -> None:
    portal_client(courier).get(f"/kontraktoret/pune/{delivery_job.pk}/")
    body = customer_client.get("/llogaria/qasjet/").content.decode()
    assert "Kompania X, dorëzim" in body
    assert f"Porosia {order.number}" in body
    for label in ("Emri", "Telefoni", "Rruga dhe numri", "Qyteti / bashkia"):
        assert label in body
    # the person is never named to the customer
    assert courier.user.first_name not in body.replace(customer.first_name, "")
    assert courier.user.email not in body


def test_p10_sign_in_asks_for_a_code_and_enrols_a_device(client: Any, courier: Any) -> None:
    response = client.post(
        "/kontraktoret/hyr/", {"username": courier.user.email, "password": TEST_PASSWORD}
    )
    assert response["Location"].endswith("/kontraktoret/kodi/")
    assert client.get("/kontraktoret/")["Location"].endswith("/kontraktoret/kodi/")
    assert client.get("/kontraktoret/kodi/")["Location"].endswith("/kontraktoret/kodi/aktivizo/")
    assert client.get("/kontraktoret/kodi/aktivizo/").status_code == 200
    refused = client.post("/kontraktoret/kodi/aktivizo/", {"otp_token": "000000"})
    assert refused.status_code == 200
    assert not TOTPDevice.objects.filter(user=courier.user).exists()
    secret = client.session["contractor_totp_enrolment"]
    code = f"{totp(bytes.fromhex(secret)):06d}"
    response = client.post("/kontraktoret/kodi/aktivizo/", {"otp_token": code})
    assert response["Location"].endswith("/kontraktoret/")
    assert client.get("/kontraktoret/").status_code == 200


def test_p10_a_customer_password_does_not_open_the_portal(client: Any, customer: Any) -> None:
    response = client.post(
        "/kontraktoret/hyr/", {"username": customer.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_p10_the_portal_locks_out_after_repeated_failures(client: Any, courier: Any) -> None:
    for _attempt in range(6):
        response = client.post(
            "/kontraktoret/hyr/", {"username": courier.user.email, "password": "gabim-gabim"}
        )
    assert response.status_code == 429
    response = client.post(
        "/kontraktoret/hyr/", {"username": courier.user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    "field", ["accounts.User.email", "accounts.User.email_index", "mail.OutboxMessage.body_text"]
)
def test_p10_a_field_outside_the_registry_or_an_email_cannot_be_chosen(
    db: None, field: str
) -> None:
    with pytest.raises(ContractorError):
        allowance_add(function=function("delivery"), field=field, actor=None)


def test_p10_a_registry_field_can_be_added_by_the_dpo(db: None) -> None:
    allowance = allowance_add(
        function=function("delivery"), field="accounts.User.last_name", actor=None
    )
    assert allowance.pk is not None


def test_p10_the_dpo_is_reminded_once_before_an_agreement_ends(db: None) -> None:
    today = timezone.localdate()
    company = CompanyFactory(name="Kompania Z")
    AgreementFactory(company=company, ends_on=today + timedelta(days=30))
    AgreementFactory(ends_on=today + timedelta(days=90))
    assert agreements_ending_remind(today=today) == 1
    assert agreements_ending_remind(today=today) == 0
    [message] = OutboxMessage.objects.filter(kind=MailKind.AGREEMENT_ENDING)
    assert "Kompania Z" in message.subject
    assert django_mail.outbox == []


def test_p10_a_renewed_agreement_is_not_an_ending(db: None) -> None:
    today = timezone.localdate()
    company = CompanyFactory()
    AgreementFactory(company=company, ends_on=today + timedelta(days=10))
    AgreementFactory(company=company, signed_on=today, ends_on=today + timedelta(days=400))
    assert agreements_ending_remind(today=today) == 0


def test_p10_assigning_a_job_is_recorded_for_the_customer(
    customer: Any, customer_client: Any, order: Any, delivery_job: Job
) -> None:
    entry = AccessEntry.objects.get(action=AccessAction.SHARED)
    assert entry.reason == "Kompania X, dorëzim"
    body = customer_client.get("/llogaria/qasjet/").content.decode()
    assert f"Porosia {order.number}, për Kompania X, dorëzim" in body
