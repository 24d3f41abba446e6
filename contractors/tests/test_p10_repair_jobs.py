"""P10: a repair case is given to a technician's company like an order; the technician sees
the repair function's list (first name, phone, address, the appliance's model) and never
what the customer told the shop, unless the DPO puts it on the list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from contractors.access import allowed_fields, choosable_fields
from contractors.models import Job, JobReference
from contractors.services import ContractorError, allowance_add, job_assign
from contractors.tests.conftest import (
    CASE_SUMMARY,
    CASE_WORDS,
    THREAD_WORDS,
    assign_repair,
    person_of,
    portal_client,
)
from contractors.tests.factories import AgreementFactory, CompanyFactory, function
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, CaseStatus, SupportCase

WHAT_THE_CUSTOMER_SAID = (CASE_SUMMARY, CASE_WORDS, THREAD_WORDS)


def page_of(job: Job, person: Any) -> str:
    response = portal_client(person).get(f"/kontraktoret/pune/{job.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_p10_the_technician_sees_the_repair_list_and_not_the_conversation(
    customer: Any, repair_case: SupportCase, repair_job: Job, technician: Any
) -> None:
    order = repair_case.order
    assert order is not None
    # when the technician opens the repair job
    body = page_of(repair_job, technician)
    # then they see who to call, where to go and which appliance, from the case's order
    for value in (
        customer.first_name,
        order.delivery_phone,
        order.delivery_street,
        "Frigorifer Samsung RB34",
        "RB34C600",
    ):
        assert value in body, value
    # and only that appliance of the order, and nothing the customer said
    assert "Televizor LG OLED 55" not in body and "OLED55C3" not in body
    for words in WHAT_THE_CUSTOMER_SAID:
        assert words not in body
    assert customer.email not in body and customer.last_name not in body
    # and the read is on the record: the company and function, the case and job, the fields
    entry = AccessEntry.objects.get(action=AccessAction.REVEAL, basis=AccessBasis.CONTRACTOR_JOB)
    assert (entry.actor_kind, entry.actor_label) == (ActorKind.CONTRACTOR, "Kompania X, riparim")
    assert entry.subject_id == customer.pk
    assert entry.reference == f"#{repair_case.pk}#{repair_job.pk}"
    assert JobReference.parse(entry.reference) == JobReference("", repair_case.pk, repair_job.pk)
    assert set(entry.field_names) == set(allowed_fields(function("repair")))


def test_p10_the_case_text_shows_only_once_the_dpo_lists_it(
    repair_job: Job, technician: Any
) -> None:
    # the case's fields can be chosen, as any the registry declares that a job reaches
    names = {choice.name for choice in choosable_fields()}
    assert {"support.SupportCase.summary", "support.SupportCase.customer_message"} <= names
    # when the DPO puts the summary, and only it, on the repair list
    allowance_add(function=function("repair"), field="support.SupportCase.summary", actor=None)
    body = page_of(repair_job, technician)
    # then the technician sees the summary, and still nothing of the conversation
    assert CASE_SUMMARY in body
    assert CASE_WORDS not in body and THREAD_WORDS not in body


def test_p10_the_thread_cannot_be_put_on_a_list(db: None) -> None:
    with pytest.raises(ContractorError):
        allowance_add(function=function("repair"), field="support.CaseMessage.body", actor=None)


def test_p10_the_technicians_list_shows_the_case_not_the_order(
    repair_case: SupportCase, repair_job: Job, technician: Any
) -> None:
    listing = portal_client(technician).get("/kontraktoret/").content.decode()
    assert f"Rasti #{repair_case.pk}" in listing
    assert repair_case.order is not None and repair_case.order.number not in listing


def test_p10_a_single_appliance_order_needs_no_choice(
    customer: Any, appliance: Any, company: Any, technician: Any
) -> None:
    order = place_order(customer=customer, quantities={appliance.pk: 1})
    case = SupportCase.objects.create(
        customer=customer,
        order=order,
        channel=CaseChannel.IN_PERSON,
        summary="Nuk ndizet",
        opened_at=timezone.now(),
    )
    job = assign_repair(case, company)
    assert job.appliance == order.lines.get()
    assert job.customer_id == customer.pk and job.order_id is None


def test_p10_repair_assignments_that_cannot_be_made_are_refused_and_write_nothing(
    customer: Any, repair_case: SupportCase, company: Any, fridge_line: Any, other_customer: Any
) -> None:
    order = repair_case.order
    assert order is not None
    other_order = place_order(customer=other_customer, quantities={fridge_line.product_id: 1})
    no_order = SupportCase.objects.create(
        customer=customer, channel=CaseChannel.PHONE, summary="Pyetje", opened_at=timezone.now()
    )
    closed = SupportCase.objects.create(
        customer=customer,
        order=order,
        channel=CaseChannel.PHONE,
        summary="U zgjidh",
        status=CaseStatus.CLOSED,
        opened_at=timezone.now(),
        closed_at=timezone.now(),
    )
    refused = {
        "several appliances, none named": (repair_case, None),
        "an appliance of another order": (repair_case, other_order.lines.get()),
        "a case about no order": (no_order, None),
        "a closed case": (closed, fridge_line),
    }
    for why, (case, appliance) in refused.items():
        with pytest.raises(ContractorError) as error:
            assign_repair(case, company, appliance)
        assert str(error.value), why
    now = timezone.now()
    window = {"window_start": now, "window_end": now + timedelta(hours=1)}
    with pytest.raises(ContractorError, match="njërën"):
        job_assign(
            order=order,
            case=repair_case,
            company=company,
            function=function("repair"),
            actor=None,
            **window,
        )
    with pytest.raises(ContractorError, match="njërën"):
        job_assign(company=company, function=function("repair"), actor=None, **window)
    assert not Job.objects.exists()
    assert not AccessEntry.objects.filter(action=AccessAction.SHARED).exists()


def test_p10_the_database_holds_a_job_to_an_order_or_a_case(
    customer: Any, repair_job: Job, order: Any
) -> None:
    with transaction.atomic(), pytest.raises(IntegrityError):
        Job.objects.filter(pk=repair_job.pk).update(order=order)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Job.objects.filter(pk=repair_job.pk).update(case=None)


@pytest.mark.parametrize("slug", ["delivery", "installation"])
def test_p10_a_repair_is_refused_to_a_function_not_held(
    slug: str, customer: Any, repair_case: SupportCase, repair_job: Job, company: Any
) -> None:
    response = portal_client(person_of(company, slug)).get(f"/kontraktoret/pune/{repair_job.pk}/")
    assert response.status_code == 403
    body = response.content.decode()
    for value in (customer.first_name, "RB34C600", *WHAT_THE_CUSTOMER_SAID):
        assert value not in body
    [entry] = AccessEntry.objects.filter(action=AccessAction.REFUSED)
    assert entry.reason == "function_not_held"
    assert entry.reference == repair_job.reference


def test_p10_another_companys_technician_is_refused_a_repair(
    customer: Any, repair_job: Job
) -> None:
    other = CompanyFactory(name="Servisi Y")
    AgreementFactory(company=other)
    response = portal_client(person_of(other, "repair")).get(f"/kontraktoret/pune/{repair_job.pk}/")
    assert response.status_code == 404
    assert customer.first_name not in response.content.decode()
    assert not AccessEntry.objects.filter(action=AccessAction.REVEAL).exists()


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES])
def test_p10_care_and_sales_give_a_repair_case_in_the_back_office(
    role: Role, client: Any, customer: Any, repair_case: SupportCase, fridge_line: Any, company: Any
) -> None:
    # given a staff member of care or sales
    client.force_login(StaffFactory(role=role))
    now = timezone.localtime()
    form = {
        "case": repair_case.pk,
        "appliance": fridge_line.pk,
        "company": company.pk,
        "function": function("repair").pk,
        "window_start_0": now.strftime("%Y-%m-%d"),
        "window_start_1": "09:00",
        "window_end_0": now.strftime("%Y-%m-%d"),
        "window_end_1": "12:00",
    }
    # when they give the case to the company for repair
    response = client.post(reverse("admin:contractors_job_add"), form)
    # then the job is the case's, and the sharing is recorded for the customer
    assert response.status_code == 302, response.content.decode()[:2000]
    job = Job.objects.get()
    assert (job.case_id, job.appliance_id, job.order_id) == (repair_case.pk, fridge_line.pk, None)
    shared = AccessEntry.objects.get(action=AccessAction.SHARED)
    assert shared.subject_id == customer.pk
    assert shared.reason == "Kompania X, riparim"


def test_p10_the_back_office_refuses_an_order_and_a_case_together(
    client: Any, order: Any, repair_case: SupportCase, company: Any
) -> None:
    client.force_login(StaffFactory(role=Role.CUSTOMER_CARE))
    today = timezone.localtime().strftime("%Y-%m-%d")
    response = client.post(
        reverse("admin:contractors_job_add"),
        {
            "order": order.pk,
            "case": repair_case.pk,
            "company": company.pk,
            "function": function("repair").pk,
            "window_start_0": today,
            "window_start_1": "09:00",
            "window_end_0": today,
            "window_end_1": "12:00",
        },
    )
    assert response.status_code == 200
    assert response.content.decode().count("njërën") == 1
    assert not Job.objects.exists()
