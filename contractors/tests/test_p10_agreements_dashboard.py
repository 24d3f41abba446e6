"""The DPO's landing page: agreements ending, and companies working without one (P10)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from contractors.models import Agreement
from contractors.selectors import agreements_due
from contractors.tests.conftest import assign
from contractors.tests.factories import AgreementFactory, CompanyFactory
from orders.models import Order
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

INDEX = "/zyra/"
PANEL = "contractors-agreements-due"


def _panel(client: Client, role: Role) -> str:
    client.force_login(StaffFactory(role=role))
    html = client.get(INDEX).content.decode()
    found = re.search(rf'<section [^>]*data-panel="{PANEL}">.*?</section>', html, re.S)
    return found.group(0) if found else ""


@pytest.fixture
def agreements(order: Order) -> dict[str, Any]:
    """Four companies: one ending soon, one renewed the next day, one far off, one lapsed."""
    today = timezone.localdate()
    ending = CompanyFactory(name="Dorëzime Tirana")
    AgreementFactory(company=ending, ends_on=today + timedelta(days=12))
    renewed = CompanyFactory(name="Instalime Durrës")
    first = AgreementFactory(company=renewed, ends_on=today + timedelta(days=5))
    AgreementFactory(
        company=renewed,
        signed_on=first.ends_on + timedelta(days=1),
        ends_on=today + timedelta(days=400),
    )
    AgreementFactory(
        company=CompanyFactory(name="Riparime Vlorë"), ends_on=today + timedelta(days=90)
    )
    lapsed = CompanyFactory(name="Transport Shkodër")
    AgreementFactory(company=lapsed)
    assign(order, lapsed, "delivery")
    Agreement.objects.filter(company=lapsed).update(
        signed_on=today - timedelta(days=400), ends_on=today - timedelta(days=3)
    )
    # Lapsed too, but with no open job: nothing to act on now.
    idle = CompanyFactory(name="Pa Punë")
    AgreementFactory(
        company=idle, signed_on=today - timedelta(days=400), ends_on=today - timedelta(days=9)
    )
    return {"ending": ending, "renewed": renewed, "lapsed": lapsed}


def test_p10_agreements_ending_without_a_successor_and_companies_working_without_one(agreements):
    due = agreements_due(today=timezone.localdate(), days=30, limit=5)
    assert [agreement.company.name for agreement in due.ending] == ["Dorëzime Tirana"]
    assert due.ending_count == 1
    assert [(company.name, company.open_jobs) for company in due.lapsed] == [
        ("Transport Shkodër", 1)
    ]
    assert due.lapsed[0].ended_on == timezone.localdate() - timedelta(days=3)
    assert due.lapsed_count == 1


def test_p10_the_officer_sees_both_on_the_landing_page(client, agreements):
    panel = _panel(client, Role.DATA_PROTECTION_OFFICER)
    assert "Dorëzime Tirana" in panel and "pas 12 ditësh" in panel
    assert "Transport Shkodër" in panel and "3 ditë më parë" in panel
    assert 'class="dashboard-urgent"' in panel
    for not_due in ("Instalime Durrës", "Riparime Vlorë", "Pa Punë"):
        assert not_due not in panel


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p10_other_roles_do_not_see_the_agreements_panel(client, role, agreements):
    assert _panel(client, role) == ""
