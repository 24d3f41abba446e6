"""The officer's landing page: requests due and overdue, and holds due for review (P12)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from privacy.roles import Role
from rights.models import ErasureRequest, ErasureState, HoldKind, LegalHold, RequestChannel
from rights.selectors import erasure_due_figures, holds_due_for_review
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

INDEX = "/zyra/"
PANEL = "rights-requests-due"


def _request(subject: User, state: ErasureState, due_in_days: int) -> ErasureRequest:
    now = timezone.now()
    return ErasureRequest.objects.create(
        subject=subject,
        channel=RequestChannel.ACCOUNT,
        state=state,
        received_at=now - timedelta(days=20),
        due_at=now + timedelta(days=due_in_days),
    )


def _hold(subject: User, review_in_days: int, *, lifted: bool = False) -> LegalHold:
    return LegalHold.objects.create(
        subject=subject,
        kind=HoldKind.DISPUTE,
        review_on=timezone.localdate() + timedelta(days=review_in_days),
        placed_at=timezone.now() - timedelta(days=60),
        lifted_at=timezone.now() if lifted else None,
    )


@pytest.fixture
def queue() -> dict[str, ErasureRequest]:
    people = [UserFactory(first_name="Dorina", last_name="Kraja") for _ in range(4)]
    late = _request(people[0], ErasureState.VERIFIED, -4)
    soon = _request(people[1], ErasureState.VERIFIED, 3)
    _request(people[2], ErasureState.AWAITING_CONFIRMATION, 20)
    _request(people[3], ErasureState.COMPLETED, -40)
    _hold(people[3], -1)
    _hold(people[3], 0)
    _hold(people[3], 30)
    _hold(people[3], -10, lifted=True)
    return {"late": late, "soon": soon}


def _panel(client: Client, role: Role) -> str:
    client.force_login(StaffFactory(role=role))
    html = client.get(INDEX).content.decode()
    found = re.search(rf'<section [^>]*data-panel="{PANEL}">.*?</section>', html, re.S)
    return found.group(0) if found else ""


def test_p12_the_queue_counts_what_waits_for_the_officer(queue):
    figures = erasure_due_figures(now=timezone.now())
    assert (figures.open, figures.overdue, figures.due_soon) == (3, 1, 1)
    assert figures.awaiting_execution == 2
    assert holds_due_for_review(today=timezone.localdate()) == 2


def test_p12_the_officer_sees_overdue_requests_and_holds_to_review(client, queue):
    panel = _panel(client, Role.DATA_PROTECTION_OFFICER)
    figures = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>(?:<a [^>]*>)?(.*?)(?:</a>)?</dd>", panel))
    assert figures["Me afat të kaluar"] == "1"
    assert figures["Të konfirmuara, presin zbatimin"] == "2"
    assert figures["Bllokime për t&#x27;u rishikuar"] == "2"
    assert "?afati=me-vonese" in panel and "?gjendja=per-rishikim" in panel
    # the table says how late or how near, the late one first and marked
    rows = re.findall(
        r"<tr( class=\"dashboard-urgent\")?><th scope=\"row\"><a [^>]*>(.*?)</a>", panel
    )
    assert rows[0] == (' class="dashboard-urgent"', str(queue["late"]))
    assert "4 ditë më parë" in panel and "pas 3 ditësh" in panel
    assert "Dorina" not in panel and "Kraja" not in panel


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p12_other_roles_do_not_see_the_queue(client, role, queue):
    assert _panel(client, role) == ""
