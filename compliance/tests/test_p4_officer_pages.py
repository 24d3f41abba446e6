"""The officer's pages: the records (page, JSON, PDF) and the report, for the DPO alone (P4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory
from compliance.clauses import CLAUSE_IDS
from privacy.registry import qualified, registry
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

RECORDS = "admin:compliance_processingrecords_changelist"
RECORDS_JSON = "admin:compliance_processingrecords_json"
RECORDS_PDF = "admin:compliance_processingrecords_pdf"
REPORT = "admin:compliance_compliancereport_changelist"
REPORT_PDF = "admin:compliance_compliancereport_pdf"
EVERY_PAGE = [RECORDS, RECORDS_JSON, RECORDS_PDF, REPORT, REPORT_PDF]


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer() -> Client:
    return signed_in(StaffFactory(role=Role.DATA_PROTECTION_OFFICER))


@pytest.fixture
def junit_run(settings, tmp_path: Path) -> Path:
    """The last run's JUnit file where the pages look for it: one passing test per clause."""
    settings.VAR_DIR = tmp_path
    folder = tmp_path / "junit"
    folder.mkdir()
    cases = "".join(
        f'<testcase classname="app.tests.test_x" name="test_{clause.lower()}_kept" time="0"/>'
        for clause in CLAUSE_IDS
    )
    (folder / "sqlite.xml").write_text(
        f'<?xml version="1.0"?><testsuites><testsuite name="pytest">{cases}</testsuite>'
        "</testsuites>",
        encoding="utf-8",
    )
    return folder


def test_p4_the_officer_reads_every_field_once_on_the_records_page(officer):
    response = officer.get(reverse(RECORDS))
    assert response.status_code == 200
    body = response.content.decode()
    rows = re.findall(r'<tr data-field="([^"]+)">', body)
    declared = [
        qualified(declaration.model, name)
        for declaration in registry
        for name in declaration.fields
    ]
    assert sorted(rows) == sorted(declared)
    assert "për të regjistruar përdoruesit" in body
    assert 'data-recipient="processor:mail_provider"' in body
    assert 'data-recipient="contractor:delivery"' in body
    assert "Regjistrit i mungojnë hyrje" not in body


def test_p4_the_records_come_as_json(officer):
    response = officer.get(reverse(RECORDS_JSON))
    assert response.status_code == 200
    data = json.loads(response.content)
    assert {entry["code"] for entry in data["purposes"]} == {
        "information",
        "products_and_services",
        "registration",
        "communication",
        "offers",
    }
    assert data["problems"] == []
    assert data["contact"] == "info@3vfejzo.al"


def test_p4_the_records_come_as_a_pdf(officer):
    response = officer.get(reverse(RECORDS_PDF))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_the_officer_reads_the_report_of_every_clause(officer, junit_run):
    response = officer.get(reverse(REPORT))
    assert response.status_code == 200
    body = response.content.decode()
    states = dict(re.findall(r'data-clause="(P\d+)" data-state="(\w+)"', body))
    assert list(states) == list(CLAUSE_IDS)
    assert set(states.values()) == {"green"}
    assert "staff.access.access_decision" in body
    pdf = officer.get(reverse(REPORT_PDF))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")


def test_without_a_run_every_clause_shows_red(officer, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    body = officer.get(reverse(REPORT)).content.decode()
    assert "Nuk ka rezultate testesh" in body
    assert body.count('data-state="red"') == len(CLAUSE_IDS)


@pytest.mark.parametrize(
    "role", [Role.SALES, Role.CUSTOMER_CARE, Role.MARKETING, Role.ADMINISTRATOR]
)
def test_other_roles_are_refused_every_page(role, junit_run):
    client = signed_in(StaffFactory(role=role))
    for name in EVERY_PAGE:
        assert client.get(reverse(name)).status_code == 403, name
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse(RECORDS) not in index
    assert reverse(REPORT) not in index


def test_a_superuser_without_the_officers_role_is_refused(junit_run):
    client = signed_in(StaffFactory(is_superuser=True))
    for name in EVERY_PAGE:
        assert client.get(reverse(name)).status_code == 403, name


def test_the_officer_finds_both_pages_on_the_back_office(officer):
    index = officer.get(reverse("admin:index")).content.decode()
    assert reverse(RECORDS) in index
    assert reverse(REPORT) in index


def test_customers_and_visitors_are_sent_to_the_staff_sign_in(junit_run):
    for client in (Client(), signed_in(UserFactory())):
        for name in EVERY_PAGE:
            response = client.get(reverse(name))
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("admin:login")), name


def test_an_officer_whose_account_is_switched_off_is_refused(junit_run):
    user = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    client = signed_in(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse(RECORDS))
    assert response.status_code == 302
