"""P14: training records gate access to personal data; admins see whose training expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from privacy.roles import Role
from staff.access import training_valid
from staff.tests.factories import StaffFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def test_p14_training_counts_only_between_completion_and_expiry():
    staff = StaffFactory(role=Role.SALES, trained=False)
    today = timezone.localdate()
    assert not training_valid(staff)
    TrainingFactory(
        staff=staff, completed_on=today - timedelta(days=400), valid_until=today - timedelta(days=1)
    )
    assert not training_valid(staff)
    TrainingFactory(staff=staff, completed_on=today, valid_until=today + timedelta(days=365))
    assert training_valid(staff)
    assert not training_valid(staff, on=today + timedelta(days=366))


def test_p14_admins_see_whose_training_is_expiring(client):
    today = timezone.localdate()
    expiring = StaffFactory(role=Role.SALES, trained=False)
    TrainingFactory(staff=expiring, valid_until=today + timedelta(days=10))
    fine = StaffFactory(role=Role.SALES, trained=False)
    TrainingFactory(staff=fine, valid_until=today + timedelta(days=200))
    lapsed = StaffFactory(role=Role.SALES, trained=False)
    TrainingFactory(
        staff=lapsed,
        completed_on=today - timedelta(days=400),
        valid_until=today - timedelta(days=5),
    )
    admin = StaffFactory(role=Role.ADMINISTRATOR)
    client.force_login(admin)
    url = reverse("admin:staff_trainingrecord_changelist")
    html = client.get(url + "?gjendja=expiring").content.decode()
    assert f"Llogaria #{expiring.pk}" in html
    assert f"Llogaria #{fine.pk}" not in html and f"Llogaria #{lapsed.pk}" not in html
    html = client.get(url + "?gjendja=expired").content.decode()
    assert f"Llogaria #{lapsed.pk}" in html and "Ka skaduar" in html


def test_p14_sales_cannot_see_or_edit_training_records(client):
    sales = StaffFactory(role=Role.SALES)
    client.force_login(sales)
    response = client.get(reverse("admin:staff_trainingrecord_changelist"))
    assert response.status_code == 403
