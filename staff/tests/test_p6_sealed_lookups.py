"""No admin list answers a lookup that reaches ciphertext or a blind index (P6, P5)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import UserFactory
from privacy.fields import lookup_touches_sealed_field
from privacy.roles import Role
from staff.admin_site import SealedLookupGuard
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def test_p6_every_registered_admin_is_guarded():
    unguarded = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, SealedLookupGuard)
    ]
    assert unguarded == []


@pytest.mark.parametrize(
    ("changelist", "lookup"),
    [
        ("admin:accounts_user_changelist", "email_index__startswith"),
        ("admin:accounts_user_changelist", "phone_index__gt"),
        ("admin:accounts_user_changelist", "email__icontains"),
        ("admin:orders_order_changelist", "customer__email_index__startswith"),
        ("admin:otp_totp_totpdevice_changelist", "user__email_index__startswith"),
        ("admin:subscriptions_subscriber_changelist", "email_index__startswith"),
    ],
)
def test_p6_a_blind_index_lookup_is_refused(client, changelist, lookup):
    # given: the administrator, and a customer whose index starts somewhere
    administrator = StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    person = UserFactory()
    client.force_login(administrator)
    # when: the list is asked for indexes by prefix
    response = client.get(f"{reverse(changelist)}?{lookup}={person.email_index[:2]}")
    # then: refused, nothing listed
    assert response.status_code == 400
    assert person.email_index[:8] not in response.content.decode()


def test_p6_lookups_are_followed_through_relations():
    from accounts.models import User
    from orders.models import Order

    assert lookup_touches_sealed_field(Order, "customer__phone_index__startswith")
    assert lookup_touches_sealed_field(Order, "delivery_name")
    assert not lookup_touches_sealed_field(Order, "status__exact")
    assert not lookup_touches_sealed_field(User, "is_staff__exact")
