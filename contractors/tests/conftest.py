from __future__ import annotations

from datetime import timedelta
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
from orders.models import Order
from orders.tests.factories import place_order


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


def assign(order: Order, company: Any, slug: str) -> Job:
    now = timezone.now()
    return job_assign(
        order=order,
        company=company,
        function=function(slug),
        window_start=now - timedelta(hours=1),
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
