"""P10, P12: a customer's correction of the delivery address or phone reaches open jobs at
once. Jobs read the live order; an order already out for delivery still takes the phone
and address a courier's open job needs (never the name), and the courier's next read
shows the new values and is recorded. Without an open job, a shipped order keeps what
it left with."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import AddressFactory
from contractors.models import Job, JobStatus
from contractors.tests.conftest import assign, order_moved, portal_client
from orders.models import Order, OrderStatus
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessEntry, ActorKind

OLD_STREET = "Rr. Myslym Shyri 10"
NEW_STREET = "Rr. Barrikadave 5"
NEW_NOTES = "Kati i tretë, zilja e dytë"
NEW_PHONE = "+355693333333"


@pytest.fixture
def address(customer: Any) -> Any:
    """The address in the customer's book the order was placed to."""
    return AddressFactory(user=customer, municipality="tirane", street=OLD_STREET, courier_notes="")


def address_corrected(client: Client, address: Any) -> str:
    response = client.post(
        reverse("accounts:address_edit", args=[address.pk]),
        {"municipality": "tirane", "street": NEW_STREET, "courier_notes": NEW_NOTES},
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def phone_corrected(client: Client, customer: Any, *, last_name: str | None = None) -> str:
    response = client.post(
        reverse("accounts:profile"),
        {
            "first_name": customer.first_name,
            "last_name": last_name or customer.last_name,
            "phone": "069 333 3333",
            "language": "sq",
        },
        follow=True,
    )
    assert response.status_code == 200
    return response.content.decode()


def last_entry_id() -> int:
    return AccessEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def changes_of(order: Order, *, since: int) -> list[AccessEntry]:
    """The changes to this order recorded after entry number `since`."""
    return list(
        AccessEntry.objects.filter(
            action=AccessAction.CHANGE, reference=order.number, id__gt=since
        ).order_by("id")
    )


def courier_reads(courier: Any, job: Job) -> tuple[str, AccessEntry]:
    """The courier's next look at the job, and the access-record entry it left."""
    before = AccessEntry.objects.filter(action=AccessAction.REVEAL).count()
    response = portal_client(courier).get(f"/kontraktoret/pune/{job.pk}/")
    assert response.status_code == 200
    reads = AccessEntry.objects.filter(action=AccessAction.REVEAL).order_by("id")
    assert reads.count() == before + 1
    return response.content.decode(), reads.last()  # type: ignore[return-value]


def test_p10_a_phone_correction_reaches_an_unshipped_orders_job_and_the_read_is_recorded(
    customer: Any, customer_client: Client, order: Order, courier: Any, delivery_job: Job
) -> None:
    # the job holds no copy: it reads the order, which took the correction (P12)
    phone_corrected(customer_client, customer)
    body, read = courier_reads(courier, delivery_job)
    assert NEW_PHONE in body and order.delivery_phone not in body
    assert read.actor_kind == ActorKind.CONTRACTOR and read.subject_id == customer.pk
    assert "orders.Order.delivery_phone" in read.field_names
    assert read.reference == delivery_job.reference


def test_p10_an_order_out_for_delivery_takes_the_address_the_courier_needs(
    customer: Any,
    customer_client: Client,
    address: Any,
    order: Order,
    courier: Any,
    delivery_job: Job,
) -> None:
    # given the order is on the road, under the courier's open job
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    portal_client(courier).get(f"/kontraktoret/pune/{delivery_job.pk}/")
    mark = last_entry_id()
    # when the customer corrects the address in their book
    page = address_corrected(customer_client, address)
    # then the order takes it, and the change is on the access record by field name
    shipped = Order.objects.get(pk=order.pk)
    assert (shipped.delivery_street, shipped.delivery_notes) == (NEW_STREET, NEW_NOTES)
    [change] = changes_of(order, since=mark)
    assert set(change.field_names) == {
        "orders.Order.delivery_street",
        "orders.Order.delivery_notes",
    }
    # and the courier's next look shows the new address, never the old, and is recorded
    body, read = courier_reads(courier, delivery_job)
    assert NEW_STREET in body and NEW_NOTES in body
    assert OLD_STREET not in body
    assert {"orders.Order.delivery_street", "orders.Order.delivery_notes"} <= set(read.field_names)
    # and the customer is not told the order had not left
    assert "nuk është nisur ende" not in page and "Adresa u ruajt." in page


def test_p10_an_order_out_for_delivery_takes_the_phone_but_keeps_the_name(
    customer: Any, customer_client: Client, order: Order, courier: Any, delivery_job: Job
) -> None:
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    name_before = order.delivery_name
    phone_corrected(customer_client, customer, last_name="Krasniqi")
    shipped = Order.objects.get(pk=order.pk)
    assert shipped.delivery_phone == NEW_PHONE
    assert shipped.delivery_name == name_before
    body, _read = courier_reads(courier, delivery_job)
    assert NEW_PHONE in body


@pytest.mark.parametrize("job_state", ["no job", "failed job", "another customer's job"])
def test_p10_without_an_open_job_an_order_on_the_road_keeps_what_it_left_with(
    job_state: str,
    customer: Any,
    customer_client: Client,
    other_customer: Any,
    appliance: Any,
    address: Any,
    order: Order,
    company: Any,
    courier: Any,
) -> None:
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    if job_state == "failed job":
        job = assign(order, company, "delivery")
        portal_client(courier).post(
            f"/kontraktoret/pune/{job.pk}/nuk-u-krye/", {"reason": "Nuk hapi njeri derën"}
        )
        assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    if job_state == "another customer's job":
        theirs = place_order(customer=other_customer, quantities={appliance.pk: 1})
        order_moved(theirs, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
        assign(theirs, company, "delivery")
    before = Order.objects.get(pk=order.pk)
    mark = last_entry_id()
    address_corrected(customer_client, address)
    phone_corrected(customer_client, customer)
    after = Order.objects.get(pk=order.pk)
    assert (after.delivery_street, after.delivery_phone, after.delivery_notes) == (
        before.delivery_street,
        before.delivery_phone,
        before.delivery_notes,
    )
    assert changes_of(order, since=mark) == []


def test_p10_an_order_given_another_address_at_checkout_keeps_it_on_the_road(
    customer: Any, customer_client: Client, address: Any, appliance: Any, company: Any
) -> None:
    # given an order out for delivery to somewhere else than the corrected address
    order = place_order(customer=customer, quantities={appliance.pk: 1})
    order.delivery_street = "Rr. e Durrësit 44"
    order.save(update_fields=["delivery_street"])
    order_moved(order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY)
    assign(order, company, "delivery")
    address_corrected(customer_client, address)
    assert Order.objects.get(pk=order.pk).delivery_street == "Rr. e Durrësit 44"
