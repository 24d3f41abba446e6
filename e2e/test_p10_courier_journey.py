"""P10: a courier on a phone signs in with a code, sees today's job with only what
delivery needs, marks it delivered, the order becomes delivered, and the customer's
transparency page names the courier's company and the fields it saw."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any

import pytest
from django.apps import apps
from django.utils import timezone
from django_otp.oath import totp
from playwright.sync_api import expect

from accounts.tests.factories import UserFactory
from conftest import TEST_PASSWORD
from contractors.models import ContractorFunction, Job, JobStatus
from contractors.services import job_assign
from contractors.tests.factories import AgreementFactory, CompanyFactory, PersonFactory
from contractors.tests.factories import totp_device as device_for
from e2e.test_p12_download_journey import sign_in
from orders.models import Order, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order

if TYPE_CHECKING:
    from e2e.conftest import Catalogue, PageOpener

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


def delivery_function() -> ContractorFunction:
    """The seeded function; the live server's database was emptied, so seed it again."""
    import_module("contractors.migrations.0002_functions_seed").seed(apps, None)
    return ContractorFunction.objects.get(slug="delivery")


def test_p10_courier_journey(live_server: Any, open_page: PageOpener, catalogue: Catalogue) -> None:
    # given a customer's order, out for delivery, given to Kompania X for delivery today
    customer = UserFactory(first_name="Drita", last_name="Kelmendi", phone="+355692345678")
    order = place_order(customer=customer, quantities={catalogue.samsung[0].pk: 1})
    for status in (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY):
        order = order_change_status(order=order, to_status=status, actor=None)
    company = CompanyFactory(name="Kompania X")
    AgreementFactory(company=company)
    delivery = delivery_function()
    courier = PersonFactory(
        company=company, functions=[delivery], user=UserFactory(email="korrieri@kompaniax.al")
    )
    device = device_for(courier.user)
    now = timezone.now()
    job = job_assign(
        order=order,
        company=company,
        function=delivery,
        window_start=now,
        window_end=now + timedelta(hours=2),
        actor=None,
    )

    # when the courier signs in on a phone, with the code from their app
    page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    page.goto(live_server.url + "/kontraktoret/")
    page.get_by_label("Email").fill("korrieri@kompaniax.al")
    page.get_by_label("Fjalëkalimi").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Hyr").click()
    page.get_by_label("Kodi nga aplikacioni").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Vazhdo").click()

    # then today's job is listed, and its page shows what delivery needs, and no more
    expect(page.get_by_role("heading", name="Punët e sotme")).to_be_visible()
    page.get_by_role("link", name=f"Porosia {order.number}").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Drita")
    expect(main).to_contain_text("+355692345678")
    expect(main).to_contain_text("Rr. Myslym Shyri 10")
    expect(main).not_to_contain_text("Kelmendi")
    expect(main).not_to_contain_text(customer.email)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # when they mark it delivered
    page.get_by_role("button", name="Dorëzuar").click()
    expect(page.get_by_role("status")).to_contain_text("U shënua e kryer")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Job.objects.filter(pk=job.pk, closed_by=courier.user).exists()
    # and the order is delivered, through orders' own service, under the company's name
    delivered = Order.objects.get(pk=order.pk)
    assert delivered.status == OrderStatus.DELIVERED
    last_change = delivered.status_changes.order_by("changed_at", "pk").last()
    assert last_change is not None and last_change.actor_label == "Kompania X, dorëzim"

    # then the customer's transparency page names the company, the order and the fields
    customer_page = open_page(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(customer_page, live_server, customer.email)
    customer_page.goto(live_server.url + "/llogaria/qasjet/")
    log = customer_page.get_by_role("main")
    expect(log).to_contain_text("Kompania X, dorëzim")
    expect(log).to_contain_text(f"Porosia {order.number}")
    expect(log).to_contain_text(f"Porosia {order.number}, për Kompania X, dorëzim")
    # which fields the courier's company saw, by their names, never their values
    for label in ("Emri", "Telefoni", "Qyteti / bashkia", "Rruga dhe numri", "Emri i produktit"):
        expect(log).to_contain_text(label)
    expect(log).not_to_contain_text("korrieri@kompaniax.al")
    expect(log).not_to_contain_text("+355692345678")
    assert customer_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # and her order's page says it was delivered
    customer_page.goto(live_server.url + order.get_absolute_url())
    expect(customer_page.get_by_role("main")).to_contain_text("E dorëzuar")
