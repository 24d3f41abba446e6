"""P10, P5: the access record names a contractor's read in words on both its pages: the
officer's in the back office and the customer's "Kush i ka parë të dhënat e mia":
the company, the function, the order or the repair case, and the fields by the
registry's names, never as codes, and never the person who read."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contractors.access import allowed_fields
from contractors.models import Job
from contractors.services import job_assign
from contractors.tests.conftest import person_of, portal_client
from contractors.tests.factories import AgreementFactory, CompanyFactory, function
from privacy.models import AccessAction, AccessEntry
from privacy.roles import Role
from rights.presentation import data_labels, entry_in_words
from staff.tests.factories import StaffFactory
from support.models import SupportCase

CODES = re.compile(r"\b(?:accounts|orders|support)\.[A-Z]\w+\.\w+")


def in_words(names: list[str]) -> str:
    """The registry's labels of these fields, as they read inside a sentence ("SKU" stays)."""
    return ", ".join(
        label if label[1:2].isupper() else label[0].lower() + label[1:]
        for label in data_labels(names)
    )


def text_of(response: Any) -> str:
    assert response.status_code == 200
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


@pytest.fixture
def dpo_client(db: None, client: Client) -> Client:
    client.force_login(StaffFactory(role=Role.DATA_PROTECTION_OFFICER))
    return client


def test_p10_the_officer_reads_a_couriers_read_in_words(
    dpo_client: Client, order: Any, courier: Any, delivery_job: Job
) -> None:
    # given the courier opened the job
    portal_client(courier).get(f"/kontraktoret/pune/{delivery_job.pk}/")
    read = AccessEntry.objects.get(action=AccessAction.REVEAL)
    fields = allowed_fields(function("delivery"))
    expected = f"Kompania X, dorëzim, porosia {order.number}, {in_words(fields)}"
    assert expected.startswith(f"Kompania X, dorëzim, porosia {order.number}, emri, telefoni, ")
    assert "rruga dhe numri" in expected and "qyteti / bashkia" in expected
    # when the officer opens the access record
    listing = text_of(dpo_client.get(reverse("admin:privacy_accessentry_changelist")))
    # then the read is in words: company, function, order and the fields
    assert expected in listing
    assert courier.user.email not in listing and courier.user.last_name not in listing
    # and so it is on the entry's own page, above the columns the hash covers
    detail = text_of(dpo_client.get(reverse("admin:privacy_accessentry_change", args=[read.pk])))
    assert expected in detail
    assert entry_in_words(read) == expected
    assert not CODES.search(entry_in_words(read))


def test_p10_the_officer_reads_the_sharing_and_a_refusal_in_words(
    dpo_client: Client, order: Any, company: Any
) -> None:
    # given care gave the order to Kompania X, and a courier of Kompania Y asked for it
    now = timezone.now()
    job = job_assign(
        order=order,
        company=company,
        function=function("delivery"),
        window_start=now,
        window_end=now + timedelta(hours=2),
        actor=StaffFactory(role=Role.CUSTOMER_CARE),
    )
    other = CompanyFactory(name="Kompania Y")
    AgreementFactory(company=other)
    portal_client(person_of(other, "delivery")).get(f"/kontraktoret/pune/{job.pk}/")
    shared = AccessEntry.objects.get(action=AccessAction.SHARED)
    refused = AccessEntry.objects.get(action=AccessAction.REFUSED)
    fields = in_words(allowed_fields(function("delivery")))
    # then each reads in words: who gave what to whom, and who asked for what in vain
    assert entry_in_words(shared) == (
        f"Kujdesi ndaj klientit, porosia {order.number}, për Kompania X, dorëzim, {fields}"
    )
    assert entry_in_words(refused) == f"Kompania Y, dorëzim, porosia {order.number}, {fields}"
    listing = text_of(dpo_client.get(reverse("admin:privacy_accessentry_changelist")))
    assert entry_in_words(shared) in listing
    assert entry_in_words(refused) in listing


def test_p10_the_officer_reads_a_technicians_read_of_a_repair_case(
    dpo_client: Client, repair_case: SupportCase, repair_job: Job, technician: Any
) -> None:
    portal_client(technician).get(f"/kontraktoret/pune/{repair_job.pk}/")
    fields = allowed_fields(function("repair"))
    expected = f"Kompania X, riparim, rasti i riparimit #{repair_case.pk}, {in_words(fields)}"
    listing = text_of(dpo_client.get(reverse("admin:privacy_accessentry_changelist")))
    assert expected in listing


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p10_staff_other_than_the_officer_cannot_browse_the_access_record(
    role: Role, client: Client, courier: Any, delivery_job: Job
) -> None:
    portal_client(courier).get(f"/kontraktoret/pune/{delivery_job.pk}/")
    client.force_login(StaffFactory(role=role))
    response = client.get(reverse("admin:privacy_accessentry_changelist"))
    assert response.status_code == 403
    assert "Kompania X" not in response.content.decode()


def test_p10_the_customer_reads_which_fields_the_technicians_company_saw(
    customer: Any,
    customer_client: Client,
    repair_case: SupportCase,
    repair_job: Job,
    technician: Any,
) -> None:
    portal_client(technician).get(f"/kontraktoret/pune/{repair_job.pk}/")
    body = text_of(customer_client.get("/llogaria/qasjet/"))
    assert "Kompania X, riparim" in body
    assert f"Rasti i riparimit #{repair_case.pk}" in body
    assert f"Rasti i riparimit #{repair_case.pk}, për Kompania X, riparim" in body
    for label in data_labels(allowed_fields(function("repair"))):
        assert label in body, label
    assert not CODES.search(body)
    assert technician.user.email not in body and technician.user.last_name not in body


def test_p10_another_customer_does_not_see_the_contractors_reads(
    other_customer: Any, client: Client, courier: Any, delivery_job: Job
) -> None:
    portal_client(courier).get(f"/kontraktoret/pune/{delivery_job.pk}/")
    client.force_login(other_customer)
    body = text_of(client.get("/llogaria/qasjet/"))
    assert "Kompania X" not in body
