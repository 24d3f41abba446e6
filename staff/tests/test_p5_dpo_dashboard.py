"""The data-protection officer's landing page as a whole: its panels in the order the
day's work comes, shown to nobody else, read in a fixed number of queries (P5)."""

from __future__ import annotations

import itertools
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from consent.models import ConsentDecision, DecisionAction, DecisionChannel
from contractors.tests.factories import AgreementFactory, CompanyFactory
from privacy.roles import Role
from rights.models import ErasureRequest, ErasureState, HoldKind, LegalHold, RequestChannel
from staff.tests.factories import StaffFactory, TrainingFactory
from subscriptions.models import SubscriptionAction
from subscriptions.tests.factories import SubscriptionEventFactory

pytestmark = pytest.mark.django_db

INDEX = "/zyra/"
# The officer's own panels, in the order the day's work comes: deadlines, then what
# must be renewed, then how consent goes. Other apps' panels may stand between them.
OFFICERS_PANELS = [
    "rights-requests-due",
    "contractors-agreements-due",
    "staff-training-due",
    "consent-rates",
    "subscriptions-opt-outs",
]
PEOPLE = itertools.count()
# What the people behind the rows would recognise of themselves.
PERSONAL = ("Elira", "Dervishi", "elira.dervishi@example.al", "Gent", "Muça")


def _panels_shown(html: str) -> list[str]:
    return re.findall(r'data-panel="([a-z-]+)"', html)


def _index(client: Client, staff: User) -> str:
    client.force_login(staff)
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


def _officers_work(rows: int) -> None:
    """Put `rows` rows behind each of the officer's panels."""
    now = timezone.now()
    today = timezone.localdate()
    for n in range(rows):
        person = UserFactory(
            first_name="Elira",
            last_name="Dervishi",
            email=f"elira.dervishi{next(PEOPLE) or ''}@example.al",
        )
        ErasureRequest.objects.create(
            subject=person,
            channel=RequestChannel.ACCOUNT,
            state=ErasureState.VERIFIED,
            received_at=now - timedelta(days=40),
            due_at=now - timedelta(days=n + 1),
        )
        LegalHold.objects.create(
            subject=person,
            kind=HoldKind.DISPUTE,
            review_on=today - timedelta(days=n),
            placed_at=now - timedelta(days=60),
        )
        AgreementFactory(company=CompanyFactory(), ends_on=today + timedelta(days=n + 1))
        staff = StaffFactory(role=Role.SALES, first_name="Gent", last_name="Muça", trained=False)
        TrainingFactory(staff=staff, valid_until=today + timedelta(days=n))
        ConsentDecision.objects.create(
            consent_id=f"{n:032d}",
            user=person,
            action=DecisionAction.CHOOSE,
            channel=DecisionChannel.BANNER,
            analytics=bool(n % 2),
            personalisation=False,
            banner_revision=1,
            policy_version=1,
            decided_at=now - timedelta(weeks=n % 12),
        )
        SubscriptionEventFactory(action=SubscriptionAction.UNSUBSCRIBED)


@pytest.fixture
def officer() -> User:
    return StaffFactory(role=Role.DATA_PROTECTION_OFFICER, first_name="Zyrtar", last_name="Zyre")


def test_p5_the_officer_sees_deadlines_first_and_the_consent_charts_last(client, officer):
    _officers_work(2)
    shown = _panels_shown(_index(client, officer))
    assert [key for key in shown if key in OFFICERS_PANELS] == OFFICERS_PANELS
    # deadlines before the cases and campaigns the officer also sees
    assert shown.index("rights-requests-due") < shown.index("support-open-cases")
    assert shown.index("campaigns-recent") < shown.index("consent-rates")


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p5_care_sales_and_marketing_see_none_of_the_officers_panels(client, role):
    _officers_work(2)
    html = _index(client, StaffFactory(role=role))
    assert not set(_panels_shown(html)) & set(OFFICERS_PANELS)
    for title in ("Pëlqimi për cookies", "Marrëveshjet e kontraktorëve", "Trajnimet e stafit"):
        assert title not in html


def test_p5_the_officers_panels_show_no_personal_data(client, officer):
    _officers_work(3)
    html = _index(client, officer)
    panels = html.split('class="dashboard-panels"', 1)[1].split('id="content-main"', 1)[0]
    for value in PERSONAL:
        assert value not in panels, value


def _queries(client: Client, staff: User) -> int:
    client.force_login(staff)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INDEX).status_code == 200
    return len(queries)


def test_p5_the_officers_page_reads_in_a_fixed_number_of_queries(
    client, officer, django_assert_max_num_queries
):
    _officers_work(1)
    few = _queries(client, officer)
    _officers_work(15)
    with django_assert_max_num_queries(few):
        assert client.get(INDEX).status_code == 200
