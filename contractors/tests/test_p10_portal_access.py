"""P10: a contractor's person sees only the fields of their function, of their company's
jobs, under a valid agreement, while the job is open plus the grace period; every read
and every refusal is recorded, and a refusal leaks nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from contractors.access import allowed_fields
from contractors.models import Agreement, Job, JobStatus
from contractors.tests.conftest import (
    FUNCTIONS,
    NAMES,
    OUTSIDE_EVERY_LIST,
    assign,
    person_of,
    portal_client,
    refusals,
    secrets_of,
)
from contractors.tests.factories import AgreementFactory, CompanyFactory, function
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind


def assert_leaks_nothing(response: Any, customer: Any, order: Any) -> None:
    body = response.content.decode()
    for value in secrets_of(customer, order):
        assert value not in body, value


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_each_function_sees_its_list_and_the_read_is_recorded(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    # given a person of the company holding the job's function
    person = person_of(company, slug)
    job = assign(order, company, slug)
    # when they open the job
    response = portal_client(person).get(f"/kontraktoret/pune/{job.pk}/")
    # then they see the list's fields and nothing else
    assert response.status_code == 200
    body = response.content.decode()
    for value in (customer.first_name, order.delivery_phone, order.delivery_street):
        assert value in body
    assert "Frigorifer Samsung RB34" in body
    assert customer.email not in body
    assert customer.last_name not in body
    assert ("RB34C600" in body) is (slug != "delivery")
    # and the read is on the record: company and function, the person, the job, the fields
    entry = AccessEntry.objects.get(action=AccessAction.REVEAL, basis=AccessBasis.CONTRACTOR_JOB)
    assert entry.actor_kind == ActorKind.CONTRACTOR
    assert entry.actor_label == f"Kompania X, {NAMES[slug]}"
    assert entry.actor_id == person.user_id
    assert entry.subject_id == customer.pk
    assert entry.reference == f"{order.number}#{job.pk}"
    assert set(entry.field_names) == set(allowed_fields(job.function))


def test_p10_delivery_list_is_the_seeded_one(db: None) -> None:
    assert allowed_fields(function("delivery")) == [
        "accounts.User.first_name",
        "orders.Order.delivery_phone",
        "orders.Order.delivery_street",
        "orders.Order.delivery_notes",
        "orders.Order.delivery_municipality",
        "orders.OrderLine.product_name",
    ]
    assert set(allowed_fields(function("installation"))) == {
        *allowed_fields(function("delivery")),
        "orders.OrderLine.sku",
    }


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_asking_outside_its_jobs_is_refused_recorded_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    person = person_of(company, slug)
    job = assign(order, company, slug)
    response = portal_client(person).get(f"/kontraktoret/pune/{job.pk + 1000}/")
    assert response.status_code == 404
    assert_leaks_nothing(response, customer, order)
    [entry] = refusals("not_your_job")
    assert entry.actor_id == person.user_id
    assert not AccessEntry.objects.filter(action=AccessAction.REVEAL).exists()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_another_companys_job_is_refused_recorded_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    job = assign(order, company, slug)
    other = CompanyFactory(name="Kompania Y")
    AgreementFactory(company=other)
    stranger = person_of(other, slug)
    response = portal_client(stranger).get(f"/kontraktoret/pune/{job.pk}/")
    assert response.status_code == 404
    assert_leaks_nothing(response, customer, order)
    [entry] = refusals("not_your_job")
    assert entry.subject_id == customer.pk
    assert entry.actor_label == f"Kompania Y, {NAMES[slug]}"
    assert not AccessEntry.objects.filter(action=AccessAction.REVEAL).exists()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_after_the_grace_period_the_job_is_refused_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any, settings: Any
) -> None:
    person = person_of(company, slug)
    job = assign(order, company, slug)
    closed = timezone.now() - timedelta(hours=settings.CONTRACTOR_GRACE_HOURS, minutes=1)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, closed_at=closed)
    client = portal_client(person)
    response = client.get(f"/kontraktoret/pune/{job.pk}/")
    assert response.status_code == 403
    assert_leaks_nothing(response, customer, order)
    assert len(refusals("job_closed")) == 1
    # and the list no longer shows it either
    assert order.number not in client.get("/kontraktoret/").content.decode()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_within_the_grace_period_a_closed_job_still_shows(
    slug: str, customer: Any, order: Any, company: Any, settings: Any
) -> None:
    person = person_of(company, slug)
    job = assign(order, company, slug)
    closed = timezone.now() - timedelta(hours=settings.CONTRACTOR_GRACE_HOURS - 1)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, closed_at=closed)
    response = portal_client(person).get(f"/kontraktoret/pune/{job.pk}/")
    assert response.status_code == 200
    assert order.delivery_street in response.content.decode()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_with_an_expired_agreement_nothing_is_seen(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    person = person_of(company, slug)
    job = assign(order, company, slug)
    yesterday = timezone.localdate() - timedelta(days=1)
    Agreement.objects.filter(company=company).update(ends_on=yesterday)
    client = portal_client(person)
    response = client.get(f"/kontraktoret/pune/{job.pk}/")
    assert response.status_code == 403
    assert_leaks_nothing(response, customer, order)
    assert len(refusals("no_agreement")) == 1
    listing = client.get("/kontraktoret/")
    assert order.number not in listing.content.decode()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_a_function_not_held_is_refused_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    job = assign(order, company, slug)
    others = [other for other in FUNCTIONS if other != slug]
    person = person_of(company, *others)
    client = portal_client(person)
    response = client.get(f"/kontraktoret/pune/{job.pk}/")
    assert response.status_code == 403
    assert_leaks_nothing(response, customer, order)
    assert len(refusals("function_not_held")) == 1
    assert order.number not in client.get("/kontraktoret/").content.decode()


@pytest.mark.parametrize("slug", FUNCTIONS)
@pytest.mark.parametrize("field", OUTSIDE_EVERY_LIST)
def test_p10_a_field_outside_the_function_is_refused_and_leaks_nothing(
    slug: str, field: str, customer: Any, order: Any, company: Any
) -> None:
    person = person_of(company, slug)
    job = assign(order, company, slug)
    response = portal_client(person).get(
        f"/kontraktoret/pune/{job.pk}/", {"fusha": ["orders.Order.delivery_phone", field]}
    )
    assert response.status_code == 403
    assert_leaks_nothing(response, customer, order)
    [entry] = refusals("field_not_allowed")
    assert field in entry.field_names
    assert not AccessEntry.objects.filter(action=AccessAction.REVEAL).exists()


def test_p10_the_sku_is_outside_delivery(customer: Any, order: Any, company: Any) -> None:
    person = person_of(company, "delivery")
    job = assign(order, company, "delivery")
    response = portal_client(person).get(
        f"/kontraktoret/pune/{job.pk}/", {"fusha": "orders.OrderLine.sku"}
    )
    assert response.status_code == 403
    assert "RB34C600" not in response.content.decode()


def test_p10_a_narrowed_read_records_only_what_was_asked(
    customer: Any, order: Any, company: Any, courier: Any, delivery_job: Job
) -> None:
    response = portal_client(courier).get(
        f"/kontraktoret/pune/{delivery_job.pk}/", {"fusha": "orders.Order.delivery_phone"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert order.delivery_phone in body
    assert order.delivery_street not in body
    entry = AccessEntry.objects.get(action=AccessAction.REVEAL)
    assert entry.field_names == ["orders.Order.delivery_phone"]


def test_p10_a_customer_account_is_not_let_into_the_portal(
    customer_client: Any, delivery_job: Job, order: Any, customer: Any
) -> None:
    response = customer_client.get(f"/kontraktoret/pune/{delivery_job.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith("/kontraktoret/hyr/")


def test_p10_an_unverified_session_is_sent_to_the_code(
    client: Any, courier: Any, delivery_job: Job
) -> None:
    client.force_login(courier.user)
    response = client.get(f"/kontraktoret/pune/{delivery_job.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith("/kontraktoret/kodi/")
    assert (
        not AccessEntry.objects.filter(basis=AccessBasis.CONTRACTOR_JOB)
        .exclude(action=AccessAction.SHARED)
        .exists()
    )
