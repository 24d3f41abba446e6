from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from catalog.tests.factories import ProductFactory
from contractors.models import ContractorFunction, ContractorPerson, Job
from contractors.services import job_assign
from contractors.tests.factories import (
    AgreementFactory,
    CompanyFactory,
    PersonFactory,
    function,
    totp_device,
)
from orders.models import Order, OrderLine, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessEntry, ActorKind
from support.models import AuthorKind, CaseChannel, CaseMessage, SupportCase

# The functions the portal and the API are tested for, and their Albanian names.
FUNCTIONS = ["delivery", "installation", "repair"]
NAMES = {"delivery": "dorëzim", "installation": "instalim", "repair": "riparim"}

# Fields no function's list holds (and one that is no field at all).
OUTSIDE_EVERY_LIST = [
    "accounts.User.email",
    "accounts.User.last_name",
    "accounts.User.phone",
    "orders.Order.delivery_name",
    "mail.OutboxMessage.body_text",
    "nothing.At.all",
]


def secrets_of(customer: Any, order: Any) -> list[str]:
    """Every personal value of the customer a refusal must not show."""
    return [
        customer.first_name,
        customer.last_name,
        customer.email,
        customer.phone,
        order.delivery_phone,
        order.delivery_street,
        "Frigorifer Samsung RB34",
        "RB34C600",
    ]


def refusals(reason: str) -> list[AccessEntry]:
    """The contractors' refusals on the access record for ``reason``, oldest first."""
    return list(
        AccessEntry.objects.filter(
            action=AccessAction.REFUSED, reason=reason, actor_kind=ActorKind.CONTRACTOR
        ).order_by("id")
    )


# What the customer told the shop about the broken fridge: never on a technician's page.
CASE_SUMMARY = "Frigoriferi bën zhurmë dhe nuk ftoh"
CASE_WORDS = "Më ka ardhur keq, fqinji im e di që jam vetëm në shtëpi pas orës pesë"
THREAD_WORDS = "Jam në pushim mjekësor, mund të vini kur të doni"


@pytest.fixture
def appliance(db: None) -> Any:
    return ProductFactory(sku="RB34C600", name_sq="Frigorifer Samsung RB34", price=89_000)


@pytest.fixture
def order(customer: Any, appliance: Any) -> Order:
    return place_order(customer=customer, quantities={appliance.pk: 1})


@pytest.fixture
def company(db: None) -> Any:
    company = CompanyFactory(name="Kompania X")
    AgreementFactory(company=company)
    return company


def order_moved(order: Order, *statuses: OrderStatus) -> Order:
    """Move the order through these statuses, as staff do in the back office."""
    for status in statuses:
        order = order_change_status(order=order, to_status=status, actor=None)
    return order


def _window_start(now: datetime) -> datetime:
    """An hour ago, but never before today's midnight in Tirana: a job is "today's" by
    the local day its window starts (the list's default), also when a test runs at 00:15."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    return max(now - timedelta(hours=1), midnight)


def assign(order: Order, company: Any, slug: str) -> Job:
    now = timezone.now()
    return job_assign(
        order=order,
        company=company,
        function=function(slug),
        window_start=_window_start(now),
        window_end=now + timedelta(hours=2),
        actor=None,
    )


def person_of(company: Any, *slugs: str) -> ContractorPerson:
    functions: list[ContractorFunction] = [function(slug) for slug in slugs]
    return PersonFactory(company=company, functions=functions)


def portal_client(person: ContractorPerson, **options: Any) -> Client:
    """A browser signed in as this person, its session verified by a TOTP code."""
    client = Client(**options)
    client.force_login(person.user)
    device = totp_device(person.user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def courier(company: Any) -> ContractorPerson:
    return person_of(company, "delivery")


@pytest.fixture
def delivery_job(order: Order, company: Any) -> Job:
    return assign(order, company, "delivery")


@pytest.fixture
def television(db: None) -> Any:
    return ProductFactory(sku="OLED55C3", name_sq="Televizor LG OLED 55", price=149_000)


@pytest.fixture
def delivered_order(customer: Any, appliance: Any, television: Any) -> Order:
    """An order of a fridge and a television, delivered weeks ago."""
    order = place_order(customer=customer, quantities={appliance.pk: 1, television.pk: 1})
    return order_moved(
        order, OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED
    )


@pytest.fixture
def fridge_line(delivered_order: Order, appliance: Any) -> OrderLine:
    return delivered_order.lines.get(product=appliance)


@pytest.fixture
def repair_case(customer: Any, delivered_order: Order) -> SupportCase:
    """The customer's case about the fridge of that order, with a thread."""
    case = SupportCase.objects.create(
        customer=customer,
        order=delivered_order,
        channel=CaseChannel.PHONE,
        summary=CASE_SUMMARY,
        customer_message=CASE_WORDS,
        opened_at=timezone.now(),
    )
    CaseMessage.objects.create(
        case=case, author_kind=AuthorKind.CUSTOMER, author=customer, body=THREAD_WORDS
    )
    return case


def assign_repair(case: SupportCase, company: Any, appliance: OrderLine | None = None) -> Job:
    now = timezone.now()
    return job_assign(
        case=case,
        appliance=appliance,
        company=company,
        function=function("repair"),
        window_start=_window_start(now),
        window_end=now + timedelta(hours=2),
        actor=None,
    )


@pytest.fixture
def technician(company: Any) -> ContractorPerson:
    return person_of(company, "repair")


@pytest.fixture
def repair_job(repair_case: SupportCase, company: Any, fridge_line: OrderLine) -> Job:
    return assign_repair(repair_case, company, fridge_line)
