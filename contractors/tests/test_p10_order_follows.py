"""P10: a delivery the courier marks done moves the order to delivered through orders' own
service, recorded under the company's name; a failed delivery keeps its reason on the job
and shows on care's landing page; installation and repair are recorded on the job only."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from contractors.models import Job, JobStatus
from contractors.tests.conftest import assign, order_moved, person_of, portal_client
from contractors.tests.factories import AgreementFactory, CompanyFactory
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus, OrderStatusChange
from privacy.roles import Role
from staff.tests.factories import StaffFactory

REASON = "Klienti nuk u përgjigj në telefon, dera e mbyllur"


def done(person: Any, job: Job) -> Any:
    return portal_client(person).post(f"/kontraktoret/pune/{job.pk}/kryer/")


def failed(person: Any, job: Job, reason: str = REASON) -> Any:
    return portal_client(person).post(
        f"/kontraktoret/pune/{job.pk}/nuk-u-krye/", {"reason": reason}
    )


PANEL = re.compile(r'<section[^>]*id="panel-contractors-follow-ups".*?</section>', re.S)


def follow_ups_panel(client: Client, role: Role) -> str:
    """Care's follow-ups panel on the landing page, as a staff member of this role sees it."""
    client.force_login(StaffFactory(role=role))
    found = PANEL.search(client.get("/zyra/").content.decode())
    return unescape(found.group(0)) if found else ""


def status_of(order: Order) -> str:
    return Order.objects.get(pk=order.pk).status


def history(order: Order) -> list[tuple[str, str, str]]:
    return list(
        OrderStatusChange.objects.filter(order=order)
        .order_by("changed_at", "pk")
        .values_list("from_status", "to_status", "actor_label")
    )


def test_p10_a_delivery_done_moves_the_order_out_for_delivery_to_delivered(
    order: Order, company: Any, courier: Any
) -> None:
    # given an order the courier carries
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    job = assign(order, company, "delivery")
    mails_before = OutboxMessage.objects.filter(kind=MailKind.ORDER_STATUS).count()
    # when the courier marks it delivered
    assert done(courier, job).status_code == 302
    # then the order is delivered, its history names the company, not the person
    assert status_of(order) == OrderStatus.DELIVERED
    assert history(order)[-1] == (
        OrderStatus.OUT_FOR_DELIVERY,
        OrderStatus.DELIVERED,
        "Kompania X, dorëzim",
    )
    change = OrderStatusChange.objects.filter(order=order).latest("pk")
    assert change.actor_id == courier.user_id
    # and the customer is told, as for any status change
    assert OutboxMessage.objects.filter(kind=MailKind.ORDER_STATUS).count() == mails_before + 1


def test_p10_a_confirmed_order_passes_out_for_delivery_on_its_way(
    order: Order, company: Any, courier: Any
) -> None:
    order_moved(order, OrderStatus.CONFIRMED)
    job = assign(order, company, "delivery")
    done(courier, job)
    assert status_of(order) == OrderStatus.DELIVERED
    assert history(order)[-2:] == [
        (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, "Kompania X, dorëzim"),
        (OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED, "Kompania X, dorëzim"),
    ]


@pytest.mark.parametrize("status", [OrderStatus.PLACED, OrderStatus.CANCELLED])
def test_p10_an_order_sales_did_not_confirm_stays_and_care_see_it(
    status: OrderStatus, order: Order, company: Any, courier: Any, client: Client
) -> None:
    # given a delivery job whose order sales never confirmed, or cancelled meanwhile
    job = assign(order, company, "delivery")
    if status == OrderStatus.CANCELLED:
        order_moved(order, OrderStatus.CANCELLED)
    changes_before = history(order)
    # when the courier marks it delivered
    done(courier, job)
    # then the job is done, the order is as it was, and care's landing page shows it
    assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    assert status_of(order) == status
    assert history(order) == changes_before
    body = follow_ups_panel(client, Role.CUSTOMER_CARE)
    assert "Dorëzimet për t'u ndjekur" in body
    assert order.number in body
    assert f"U dorëzua; porosia: {OrderStatus(status).label}" in body


@pytest.mark.parametrize("slug", ["installation", "repair"])
def test_p10_installation_and_repair_done_are_recorded_on_the_job_only(
    slug: str, order: Order, company: Any
) -> None:
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    job = assign(order, company, slug)
    changes_before = history(order)
    done(person_of(company, slug), job)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.closed_at is not None
    assert status_of(order) == OrderStatus.OUT_FOR_DELIVERY
    assert history(order) == changes_before


def test_p10_a_failed_delivery_keeps_the_order_and_tells_care_without_the_reason(
    customer: Any, order: Order, company: Any, courier: Any, client: Client
) -> None:
    # given an order out for delivery
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    job = assign(order, company, "delivery")
    changes_before = history(order)
    # when the courier could not deliver it and says why
    assert failed(courier, job).status_code == 302
    # then the order stays with the courier, and the reason is on the job
    assert status_of(order) == OrderStatus.OUT_FOR_DELIVERY
    assert history(order) == changes_before
    job.refresh_from_db()
    assert (job.status, job.failure_reason) == (JobStatus.FAILED, REASON)
    # and care and sales see it on their landing page: the order, the company, the time
    for role in (Role.CUSTOMER_CARE, Role.SALES):
        body = follow_ups_panel(client, role)
        assert order.number in body, role
        assert "Kompania X, dorëzim" in body
        assert "Nuk u krye" in body
        # never the courier's words nor the customer
        assert REASON not in body
        assert customer.first_name not in body and order.delivery_street not in body


def test_p10_a_failed_delivery_leaves_the_panel_once_a_new_job_takes_it(
    order: Order, company: Any, courier: Any, client: Client
) -> None:
    job = assign(order, company, "delivery")
    failed(courier, job)
    assert order.number in follow_ups_panel(client, Role.CUSTOMER_CARE)
    # when care give the order to the courier again
    assign(order, company, "delivery")
    # then the failed job is followed up, and the panel no longer lists it
    body = follow_ups_panel(client, Role.CUSTOMER_CARE)
    assert order.number not in body
    assert "Asnjë dorëzim për t'u ndjekur." in body


@pytest.mark.parametrize("role", [Role.MARKETING, Role.DATA_PROTECTION_OFFICER])
def test_p10_staff_who_do_not_assign_jobs_do_not_get_the_panel(
    role: Role, order: Order, company: Any, courier: Any, client: Client
) -> None:
    job = assign(order, company, "delivery")
    failed(courier, job)
    body = follow_ups_panel(client, role)
    assert body == ""


def test_p10_another_companys_courier_cannot_deliver_the_order(
    order: Order, company: Any, delivery_job: Job
) -> None:
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    other = CompanyFactory(name="Kompania Y")
    AgreementFactory(company=other)
    response = done(person_of(other, "delivery"), delivery_job)
    assert response.status_code == 404
    assert status_of(order) == OrderStatus.OUT_FOR_DELIVERY
    assert Job.objects.get(pk=delivery_job.pk).status == JobStatus.OPEN
