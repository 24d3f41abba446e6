"""P14: a staff member who changes their own password is told at their own address."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY

from mail.models import MailKind, OutboxMessage
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CHANGE = "/zyra/password_change/"
NEW_PASSWORD = "Dritare-Ligeni-2026!"


def test_p14_own_password_change_mails_the_owner_and_keeps_the_session(client):
    staff = StaffFactory(role=Role.CUSTOMER_CARE, password="Fjalekalimi-i-vjeter-1")
    client.force_login(staff)
    # when
    response = client.post(
        CHANGE,
        {
            "old_password": "Fjalekalimi-i-vjeter-1",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"].endswith("/zyra/password_change/done/")
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    [mail] = OutboxMessage.objects.filter(kind=MailKind.PASSWORD_CHANGED)
    assert mail.recipient_id == staff.pk
    # Django keeps the session of the one who changed it signed in.
    assert client.session[SESSION_KEY] == str(staff.pk)


def test_p14_a_wrong_old_password_changes_nothing_and_mails_nothing(client):
    staff = StaffFactory(role=Role.CUSTOMER_CARE, password="Fjalekalimi-i-vjeter-1")
    client.force_login(staff)
    response = client.post(
        CHANGE,
        {"old_password": "jo-ky", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    staff.refresh_from_db()
    assert staff.check_password("Fjalekalimi-i-vjeter-1")
    assert not OutboxMessage.objects.filter(kind=MailKind.PASSWORD_CHANGED).exists()
