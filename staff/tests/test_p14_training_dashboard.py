"""The DPO's landing page: staff whose privacy training lapsed or runs out soon (P14)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from privacy.roles import Role
from staff.models import Course
from staff.selectors import training_due
from staff.tests.factories import StaffFactory, TrainingFactory

pytestmark = pytest.mark.django_db

INDEX = "/zyra/"
PANEL = "staff-training-due"


def _panel(client: Client, staff: User) -> str:
    client.force_login(staff)
    html = client.get(INDEX).content.decode()
    found = re.search(rf'<section [^>]*data-panel="{PANEL}">.*?</section>', html, re.S)
    return found.group(0) if found else ""


def _trained_until(staff: User, days: int, course: Course = Course.PRIVACY_AND_SECURITY) -> None:
    today = timezone.localdate()
    TrainingFactory(
        staff=staff,
        course=course,
        completed_on=today - timedelta(days=300),
        valid_until=today + timedelta(days=days),
    )


@pytest.fixture
def staff_in_training() -> dict[str, Any]:
    never = StaffFactory(role=Role.SALES, trained=False, first_name="Besnik", last_name="Hoxha")
    # Only the privacy course unlocks personal data: another course does not count.
    _trained_until(never, 200, course=Course.CUSTOMER_SERVICE)
    lapsed = StaffFactory(role=Role.CUSTOMER_CARE, trained=False)
    _trained_until(lapsed, -5)
    expiring = StaffFactory(role=Role.MARKETING, trained=False)
    _trained_until(expiring, -40)
    _trained_until(expiring, 10)
    valid = StaffFactory(role=Role.SALES, trained=False)
    _trained_until(valid, 100)
    # Gone from the company: not the officer's concern.
    StaffFactory(role=Role.SALES, trained=False, is_active=False)
    return {"never": never, "lapsed": lapsed, "expiring": expiring, "valid": valid}


def test_p14_training_due_counts_the_lapsed_and_the_expiring(staff_in_training):
    due = training_due(today=timezone.localdate(), days=30, limit=10)
    assert (due.lapsed, due.expiring) == (2, 1)
    listed = [(row.staff_id, row.trained_until) for row in due.staff]
    today = timezone.localdate()
    assert listed == [
        (staff_in_training["never"].pk, None),
        (staff_in_training["lapsed"].pk, today - timedelta(days=5)),
        (staff_in_training["expiring"].pk, today + timedelta(days=10)),
    ]
    assert due.staff[0].roles == [Role.SALES]


def test_p14_the_officer_sees_account_numbers_and_roles_never_names(client, staff_in_training):
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    panel = _panel(client, officer)
    never = staff_in_training["never"]
    assert f"Llogaria #{never.pk}" in panel and "Nuk e ka bërë kurrë" in panel
    assert f"Llogaria #{staff_in_training['valid'].pk}" not in panel
    assert "pas 10 ditësh" in panel and "5 ditë më parë" in panel
    assert "Besnik" not in panel and "Hoxha" not in panel and never.email not in panel
    # the row's link opens that person's records, which the officer may read
    link = re.search(r'href="([^"]*staff__id__exact=\d+)"', panel)
    assert link is not None
    assert client.get(link.group(1).replace("&amp;", "&")).status_code == 200


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, Role.MARKETING])
def test_p14_other_roles_do_not_see_the_training_panel(client, role, staff_in_training):
    assert _panel(client, StaffFactory(role=role)) == ""
