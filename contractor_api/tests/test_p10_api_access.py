"""P10 on the API: a key sees only the fields of its functions, of its company's jobs, under a
valid agreement, while the job is open plus the grace period; every read and every refusal
is recorded naming the company and the key, and a refusal leaks nothing."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contractor_api.services import IssuedToken
from contractor_api.tests.conftest import BASE, api_client, assign, issue, person_of
from contractors.access import allowed_fields
from contractors.models import Agreement, ContractorPerson, Job, JobStatus
from contractors.services import job_assign
from contractors.tests.conftest import (  # noqa: F401 - fixtures of the repair case
    FUNCTIONS,
    NAMES,
    OUTSIDE_EVERY_LIST,
    delivered_order,
    fridge_line,
    portal_client,
    refusals,
    repair_case,
    repair_job,
    secrets_of,
    television,
)
from contractors.tests.factories import AgreementFactory, CompanyFactory, function
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind


def text_of(response: Any) -> str:
    """Return the body as sent and as decoded: JSON writes "ë" as an escape."""
    body = response.content.decode()
    return body + json.dumps(json.loads(body), ensure_ascii=False) if body else ""


def assert_leaks_nothing(response: Any, customer: Any, order: Any) -> None:
    body = text_of(response)
    for value in secrets_of(customer, order):
        assert value not in body, value


def reads() -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(action=AccessAction.REVEAL).order_by("id"))


def label_of(key: IssuedToken, company: str, slug: str) -> str:
    return f"{company}, {NAMES[slug]}, API {key.token.prefix}"


# Reads.


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_api_each_function_sees_its_list_and_the_read_names_company_and_key(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    # given a key of the company for the job's function
    key = issue(company, slug)
    job = assign(order, company, slug)
    # when its system reads the job
    response = api_client(key.presented).get(f"{BASE}/jobs/{job.pk}")
    # then it gets the list's fields and nothing else
    assert response.status_code == 200
    data = response.json()
    assert set(data["fields"]) == set(allowed_fields(job.function))
    assert data["fields"]["accounts.User.first_name"] == [customer.first_name]
    assert data["fields"]["orders.Order.delivery_phone"] == [order.delivery_phone]
    assert data["fields"]["orders.OrderLine.product_name"] == ["Frigorifer Samsung RB34"]
    body = text_of(response)
    for value in (customer.email, customer.last_name):
        assert value not in body
    assert ("RB34C600" in body) is (slug != "delivery")
    assert "no-store" in response["Cache-Control"]
    # and the read is recorded: company, function and key; no account; the job; the fields
    [entry] = reads()
    assert entry.actor_kind == ActorKind.CONTRACTOR
    assert entry.actor_label == label_of(key, "Kompania X", slug)
    assert entry.actor_id is None
    assert entry.basis == AccessBasis.CONTRACTOR_JOB
    assert entry.subject_id == customer.pk
    assert entry.reference == f"{order.number}#{job.pk}"
    assert set(entry.field_names) == set(allowed_fields(job.function))


def test_p10_api_a_narrowed_read_records_only_what_was_asked(
    customer: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    job = assign(order, company, "delivery")
    response = api_client(delivery_key.presented).get(
        f"{BASE}/jobs/{job.pk}", {"fields": "orders.Order.delivery_phone"}
    )
    assert response.status_code == 200
    assert response.json()["fields"] == {"orders.Order.delivery_phone": [order.delivery_phone]}
    assert order.delivery_street not in text_of(response)
    [entry] = reads()
    assert entry.field_names == ["orders.Order.delivery_phone"]


def test_p10_api_the_list_gives_todays_jobs_with_their_fields_each_read_recorded(
    customer: Any, other_customer: Any, order: Any, appliance: Any, company: Any
) -> None:
    key = issue(company, "delivery", "installation")
    second = place_order(customer=other_customer, quantities={appliance.pk: 1})
    delivery = assign(order, company, "delivery")
    installation = assign(second, company, "installation")
    response = api_client(key.presented).get(f"{BASE}/jobs")
    assert response.status_code == 200
    page = response.json()
    assert (page["count"], page["page"], page["pages"], page["page_size"]) == (2, 1, 1, 50)
    by_id = {item["id"]: item for item in page["items"]}
    assert set(by_id) == {delivery.pk, installation.pk}
    assert "orders.OrderLine.sku" not in by_id[delivery.pk]["fields"]
    assert by_id[installation.pk]["fields"]["orders.OrderLine.sku"] == ["RB34C600"]
    assert by_id[delivery.pk]["order"] == order.number
    body = text_of(response)
    for person in (customer, other_customer):
        assert person.email not in body
        assert person.last_name not in body
    # one entry per job, each about its own customer, naming the key
    entries = reads()
    assert {entry.subject_id for entry in entries} == {customer.pk, other_customer.pk}
    assert {entry.reference for entry in entries} == {delivery.reference, installation.reference}
    assert all(f"API {key.token.prefix}" in entry.actor_label for entry in entries)


def test_p10_api_the_list_filters_by_day_and_status(
    customer: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    today = assign(order, company, "delivery")
    tomorrow_start = timezone.now() + timedelta(days=1)
    tomorrow = job_assign(
        order=order,
        company=company,
        function=function("delivery"),
        window_start=tomorrow_start,
        window_end=tomorrow_start + timedelta(hours=2),
        actor=None,
    )
    client = api_client(delivery_key.presented)
    assert [item["id"] for item in client.get(f"{BASE}/jobs").json()["items"]] == [today.pk]
    day = timezone.localdate(tomorrow_start).isoformat()
    listed = client.get(f"{BASE}/jobs", {"date": day}).json()["items"]
    assert [item["id"] for item in listed] == [tomorrow.pk]
    Job.objects.filter(pk=today.pk).update(status=JobStatus.DONE, closed_at=timezone.now())
    assert client.get(f"{BASE}/jobs").json()["count"] == 0
    done = client.get(f"{BASE}/jobs", {"status": "done"}).json()["items"]
    assert [item["id"] for item in done] == [today.pk]


def test_p10_api_the_list_pages_by_fifty_in_a_fixed_number_of_queries(
    customer: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    client = api_client(delivery_key.presented)
    jobs = [assign(order, company, "delivery") for _ in range(3)]
    client.get(f"{BASE}/jobs")  # warm: content types, translations
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{BASE}/jobs").json()["count"] == 3
    jobs += [assign(order, company, "delivery") for _ in range(48)]
    with CaptureQueriesContext(connection) as many:
        first = client.get(f"{BASE}/jobs").json()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert (first["count"], first["pages"], len(first["items"])) == (51, 2, 50)
    second = client.get(f"{BASE}/jobs", {"page": 2}).json()
    assert [item["id"] for item in second["items"]] == [jobs[-1].pk]
    assert client.get(f"{BASE}/jobs", {"page": 3}).json()["items"] == []


def test_p10_api_the_list_shows_each_job_what_reading_it_alone_shows(
    customer: Any,
    order: Any,
    company: Any,
    repair_job: Job,  # noqa: F811 - the fixture imported above
) -> None:
    # A page reads only the columns of its functions' lists, and a repair's case, the
    # case's order and the appliance apart: what each job shows must not change for it.
    key = issue(company, "delivery", "installation", "repair")
    jobs = [assign(order, company, "delivery"), assign(order, company, "installation"), repair_job]
    client = api_client(key.presented)
    listed = {item["id"]: item for item in client.get(f"{BASE}/jobs").json()["items"]}
    assert set(listed) == {job.pk for job in jobs}
    for job in jobs:
        alone = client.get(f"{BASE}/jobs/{job.pk}").json()
        assert listed[job.pk] == alone
    repair = listed[repair_job.pk]["fields"]
    assert repair["orders.OrderLine.product_name"] == [repair_job.appliance.product_name]
    assert repair["orders.Order.delivery_street"] == [repair_job.case.order.delivery_street]


# Refusals: each refused, recorded naming the company and the key, and leaking nothing.


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_api_asking_outside_its_jobs_is_refused_recorded_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    key = issue(company, slug)
    job = assign(order, company, slug)
    response = api_client(key.presented).get(f"{BASE}/jobs/{job.pk + 1000}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_your_job"
    assert_leaks_nothing(response, customer, order)
    [entry] = refusals("not_your_job")
    assert entry.actor_label == f"Kompania X, API {key.token.prefix}"
    assert not reads()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_api_another_companys_job_is_refused_recorded_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    job = assign(order, company, slug)
    other = CompanyFactory(name="Kompania Y")
    AgreementFactory(company=other)
    key = issue(other, slug)
    client = api_client(key.presented)
    response = client.get(f"{BASE}/jobs/{job.pk}")
    assert response.status_code == 404
    assert_leaks_nothing(response, customer, order)
    [entry] = refusals("not_your_job")
    assert entry.subject_id == customer.pk
    assert entry.actor_label == label_of(key, "Kompania Y", slug)
    listing = client.get(f"{BASE}/jobs")
    assert listing.json()["count"] == 0
    assert_leaks_nothing(listing, customer, order)
    assert not reads()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_api_after_the_grace_period_the_job_is_refused_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any, settings: Any
) -> None:
    key = issue(company, slug)
    job = assign(order, company, slug)
    closed = timezone.now() - timedelta(hours=settings.CONTRACTOR_GRACE_HOURS, minutes=1)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, closed_at=closed)
    client = api_client(key.presented)
    response = client.get(f"{BASE}/jobs/{job.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "job_closed"
    assert_leaks_nothing(response, customer, order)
    [entry] = refusals("job_closed")
    assert entry.actor_label == label_of(key, "Kompania X", slug)
    listing = client.get(f"{BASE}/jobs", {"status": "done"})
    assert listing.json()["count"] == 0
    assert not reads()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_api_within_the_grace_period_a_closed_job_still_shows(
    slug: str, customer: Any, order: Any, company: Any, settings: Any
) -> None:
    key = issue(company, slug)
    job = assign(order, company, slug)
    closed = timezone.now() - timedelta(hours=settings.CONTRACTOR_GRACE_HOURS - 1)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, closed_at=closed)
    response = api_client(key.presented).get(f"{BASE}/jobs/{job.pk}")
    assert response.status_code == 200
    assert response.json()["fields"]["orders.Order.delivery_street"] == [order.delivery_street]


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_api_with_an_expired_agreement_nothing_is_seen(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    key = issue(company, slug)
    job = assign(order, company, slug)
    Agreement.objects.filter(company=company).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    client = api_client(key.presented)
    response = client.get(f"{BASE}/jobs/{job.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "no_agreement"
    assert_leaks_nothing(response, customer, order)
    listing = client.get(f"{BASE}/jobs")
    assert listing.status_code == 403
    assert_leaks_nothing(listing, customer, order)
    detail_refusal, list_refusal = refusals("no_agreement")
    assert detail_refusal.reference == job.reference
    assert list_refusal.actor_label == f"Kompania X, API {key.token.prefix}"
    assert not reads()


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_p10_api_a_function_the_key_does_not_hold_is_refused_and_leaks_nothing(
    slug: str, customer: Any, order: Any, company: Any
) -> None:
    job = assign(order, company, slug)
    key = issue(company, *[other for other in FUNCTIONS if other != slug])
    client = api_client(key.presented)
    response = client.get(f"{BASE}/jobs/{job.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "function_not_held"
    assert_leaks_nothing(response, customer, order)
    assert len(refusals("function_not_held")) == 1
    assert client.get(f"{BASE}/jobs").json()["count"] == 0
    assert not reads()


def test_p10_api_a_key_never_sees_more_than_its_company_holds(
    customer: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    # given the company's last person holding delivery leaves that function
    job = assign(order, company, "delivery")
    for person in ContractorPerson.objects.filter(company=company):
        person.functions.remove(function("delivery"))
    # then its key, scoped to delivery, sees the job no more
    response = api_client(delivery_key.presented).get(f"{BASE}/jobs/{job.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "function_not_held"
    assert_leaks_nothing(response, customer, order)


@pytest.mark.parametrize("slug", FUNCTIONS)
@pytest.mark.parametrize("field", OUTSIDE_EVERY_LIST)
def test_p10_api_a_field_outside_the_function_is_refused_and_leaks_nothing(
    slug: str, field: str, customer: Any, order: Any, company: Any
) -> None:
    key = issue(company, slug)
    job = assign(order, company, slug)
    response = api_client(key.presented).get(
        f"{BASE}/jobs/{job.pk}", {"fields": ["orders.Order.delivery_phone", field]}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "field_not_allowed"
    assert_leaks_nothing(response, customer, order)
    [entry] = refusals("field_not_allowed")
    assert field in entry.field_names
    assert entry.actor_label == label_of(key, "Kompania X", slug)
    assert not reads()


def test_p10_api_the_sku_is_outside_delivery(
    customer: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    job = assign(order, company, "delivery")
    response = api_client(delivery_key.presented).get(
        f"{BASE}/jobs/{job.pk}", {"fields": "orders.OrderLine.sku"}
    )
    assert response.status_code == 403
    assert "RB34C600" not in text_of(response)


# Closing a job.


def test_p10_api_the_carrier_marks_the_job_done(
    order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    job = assign(order, company, "delivery")
    client = api_client(delivery_key.presented)
    response = client.post(f"{BASE}/jobs/{job.pk}/done")
    assert response.status_code == 200
    assert response.json()["status"] == "done"
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.closed_by_id is None
    again = client.post(f"{BASE}/jobs/{job.pk}/done")
    assert again.status_code == 409
    assert again.json()["code"] == "job_not_open"


def test_p10_api_a_failure_needs_a_reason_and_records_it_under_the_key(
    customer: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    job = assign(order, company, "delivery")
    client = api_client(delivery_key.presented)
    short = client.post(f"{BASE}/jobs/{job.pk}/failed", {"reason": " .. "}, "application/json")
    assert short.status_code == 422
    assert short.json()["code"] == "invalid"
    job.refresh_from_db()
    assert job.status == JobStatus.OPEN
    response = client.post(
        f"{BASE}/jobs/{job.pk}/failed",
        {"reason": "Klienti nuk u përgjigj në telefon"},
        "application/json",
    )
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.failure_reason == "Klienti nuk u përgjigj në telefon"
    change = AccessEntry.objects.get(
        action=AccessAction.CHANGE, subject_id=customer.pk, fields="contractors.Job.failure_reason"
    )
    assert change.actor_label == f"Kompania X, dorëzim, API {delivery_key.token.prefix}"


def test_p10_api_another_company_cannot_close_the_job(order: Any, company: Any) -> None:
    job = assign(order, company, "delivery")
    other = CompanyFactory(name="Kompania Y")
    AgreementFactory(company=other)
    key = issue(other, "delivery")
    client = api_client(key.presented)
    assert client.post(f"{BASE}/jobs/{job.pk}/done").status_code == 404
    failed = client.post(
        f"{BASE}/jobs/{job.pk}/failed", {"reason": "Nuk gjendej"}, "application/json"
    )
    assert failed.status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.OPEN


def test_p10_api_the_portal_person_and_the_key_share_one_rule(
    customer: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    """The portal's person and the key read the same job and record alike, but for who."""
    job = assign(order, company, "delivery")
    courier = person_of(company, "delivery")
    portal_client(courier).get(f"/kontraktoret/pune/{job.pk}/")
    api_client(delivery_key.presented).get(f"{BASE}/jobs/{job.pk}")
    portal, api = reads()
    assert portal.actor_id == courier.user_id and api.actor_id is None
    assert portal.actor_label == "Kompania X, dorëzim"
    assert api.actor_label == f"Kompania X, dorëzim, API {delivery_key.token.prefix}"
    assert portal.field_names == api.field_names


def test_p10_api_the_customer_sees_which_fields_the_companys_system_saw(
    customer: Any, customer_client: Any, order: Any, company: Any, delivery_key: IssuedToken
) -> None:
    job = assign(order, company, "delivery")
    api_client(delivery_key.presented).get(f"{BASE}/jobs")
    body = customer_client.get("/llogaria/qasjet/").content.decode()
    assert f"Kompania X, dorëzim, API {delivery_key.token.prefix}" in body
    assert f"Porosia {order.number}" in body
    for label in ("Emri", "Telefoni", "Rruga dhe numri", "Qyteti / bashkia"):
        assert label in body
    assert job.reference.partition("#")[0] == order.number
