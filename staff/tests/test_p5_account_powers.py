"""No account changes hands silently (P5, P14): roles, passwords and deletion in the back office."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage
from orders.tests.factories import place_order
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from staff.services import AccountPowers, AccountPowersRefused, account_powers_change
from staff.tests.admin_forms import change_form_data
from staff.tests.factories import StaffFactory
from support.models import CaseChannel, SupportCase

pytestmark = pytest.mark.django_db

TAKEOVER_PASSWORD = "marr-llogarine-42"  # noqa: S105
STREET = "Rr. Hoxha Tahsim 45"


@pytest.fixture
def administrator() -> User:
    return StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True)


@pytest.fixture
def officer() -> User:
    return StaffFactory(role=Role.DATA_PROTECTION_OFFICER)


@pytest.fixture
def customer_with_orders() -> User:
    person = UserFactory(first_name="Vjollca", phone="+355691234567")
    AddressFactory(user=person, street=STREET)
    place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})
    return person


def _user_page(person: User) -> str:
    return reverse("admin:accounts_user_change", args=[person.pk])


def _post_powers(client, person: User, **powers):  # type: ignore[no-untyped-def]
    page = client.get(_user_page(person))
    return client.post(_user_page(person), change_form_data(page, **powers))


def _storefront_sign_in(client, person: User, password: str) -> bool:  # type: ignore[no-untyped-def]
    client.logout()
    client.post(reverse("accounts:login"), {"username": person.email, "password": password})
    return client.session.get("_auth_user_id") == str(person.pk)


def test_p5_takeover_by_the_administrator_is_refused_step_by_step(
    client, administrator, officer, customer_with_orders
):
    # given: the administrator, signed in to the back office, and a customer with orders
    person = customer_with_orders
    client.force_login(administrator)
    # when: step 1, make the customer staff
    response = _post_powers(client, person, is_staff=True)
    # then: refused with the reason, nothing changed
    assert response.status_code == 200
    assert "Llogaritë e stafit janë të ndara" in response.content.decode()
    person.refresh_from_db()
    assert not person.is_staff
    # when: step 2, set her password
    response = client.post(
        reverse("admin:auth_user_password_change", args=[person.pk]),
        {"password1": TAKEOVER_PASSWORD, "password2": TAKEOVER_PASSWORD},
    )
    # then: no password is set; a reset link goes to her own address, on the record
    assert response.status_code == 302
    person.refresh_from_db()
    assert not check_password(TAKEOVER_PASSWORD, person.password)
    assert check_password(TEST_PASSWORD, person.password)
    reset = OutboxMessage.objects.get(kind=MailKind.PASSWORD_RESET)
    assert reset.to_address == person.email
    sent = AccessEntry.objects.get(subject_id=person.pk, action=AccessAction.ACCOUNT_POWERS)
    assert sent.actor_id == administrator.pk and sent.reference == "password_reset_link"
    # when: step 3, unset staff and sign in on the storefront as her
    _post_powers(client, person, is_staff=False)
    signed_in = _storefront_sign_in(client, person, TAKEOVER_PASSWORD)
    # then: the door stays shut and her data unseen
    assert not signed_in
    account_page = client.get(reverse("accounts:profile")).content.decode()
    assert "Vjollca" not in account_page and STREET not in account_page


def test_p5_a_role_grant_is_recorded_mailed_and_shown_to_the_customer(
    client, administrator, officer
):
    # given: an account with no orders, addresses or cases
    person = UserFactory(first_name="Drita")
    client.force_login(administrator)
    # when: the administrator makes it staff with a role
    sales = Group.objects.get(name=Role.SALES.value)
    response = _post_powers(client, person, is_staff=True, groups=[str(sales.pk)])
    # then: granted, on the access record, mailed to the officer, on her page
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_staff and list(person.groups.values_list("name", flat=True)) == ["sales"]
    entry = AccessEntry.objects.get(subject_id=person.pk, action=AccessAction.ACCOUNT_POWERS)
    assert entry.actor_id == administrator.pk
    assert entry.actor_label == Role.ADMINISTRATOR.value
    assert entry.basis == AccessBasis.ACCOUNT_ADMINISTRATION
    assert "accounts.User.is_staff" in entry.field_names
    assert "accounts.User.groups" in entry.field_names
    notice = OutboxMessage.objects.get(kind=MailKind.ACCOUNT_POWERS_CHANGED)
    assert notice.to_address == officer.email
    assert f"#{person.pk}" in notice.body_text and "Shitje" in notice.body_text
    client.force_login(person)
    page = client.get(reverse("rights:access_log")).content.decode()
    assert "Ndryshoi rolet e llogarisë" in page


def test_p5_a_role_without_staff_status_is_refused(client, administrator):
    person = UserFactory()
    client.force_login(administrator)
    sales = Group.objects.get(name=Role.SALES.value)
    response = _post_powers(client, person, groups=[str(sales.pk)])
    assert response.status_code == 200
    assert not person.groups.exists()
    assert not AccessEntry.objects.filter(action=AccessAction.ACCOUNT_POWERS).exists()


@pytest.mark.parametrize("what", ["order", "address", "support_case"])
def test_p5_a_customer_never_becomes_staff(administrator, what):
    person = UserFactory()
    if what == "order":
        place_order(customer=person, quantities={ProductFactory(stock=3).pk: 1})
    elif what == "address":
        AddressFactory(user=person)
    else:
        SupportCase.objects.create(
            customer=person,
            channel=CaseChannel.PHONE,
            summary="Garancia",
            opened_at="2026-12-01T10:00Z",
        )
    with pytest.raises(AccountPowersRefused):
        account_powers_change(
            account=person,
            powers=AccountPowers(
                is_staff=True, is_superuser=False, is_active=True, roles=frozenset()
            ),
            actor=administrator,
        )
    person.refresh_from_db()
    assert not person.is_staff
    assert not OutboxMessage.objects.filter(kind=MailKind.ACCOUNT_POWERS_CHANGED).exists()


def test_p5_deactivating_an_account_is_recorded(client, administrator, officer):
    staff = StaffFactory(role=Role.SALES)
    client.force_login(administrator)
    response = _post_powers(client, staff, is_active=False)
    assert response.status_code == 302
    staff.refresh_from_db()
    assert not staff.is_active
    entry = AccessEntry.objects.get(subject_id=staff.pk, action=AccessAction.ACCOUNT_POWERS)
    assert entry.field_names == ["accounts.User.is_active"]


def test_p5_only_a_superuser_changes_powers_and_never_their_own(administrator):
    plain_admin = StaffFactory(role=Role.ADMINISTRATOR)
    person = UserFactory()
    granted = AccountPowers(is_staff=True, is_superuser=False, is_active=True, roles=frozenset())
    with pytest.raises(AccountPowersRefused):
        account_powers_change(account=person, powers=granted, actor=plain_admin)
    with pytest.raises(AccountPowersRefused):
        account_powers_change(
            account=administrator,
            powers=AccountPowers(
                is_staff=True, is_superuser=True, is_active=True, roles=frozenset({"dpo"})
            ),
            actor=administrator,
        )
    assert not AccessEntry.objects.filter(action=AccessAction.ACCOUNT_POWERS).exists()


def test_p12_the_administrator_cannot_delete_a_customer(
    client, administrator, customer_with_orders
):
    # given: a customer with orders and mail in the outbox
    person = customer_with_orders
    mails = OutboxMessage.objects.filter(recipient=person).count()
    client.force_login(administrator)
    url = reverse("admin:accounts_user_delete", args=[person.pk])
    # when: the administrator asks for the delete page and posts it
    shown = client.get(url)
    posted = client.post(url, {"post": "yes"})
    bulk = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"},
    )
    # then: refused; the account and everything about it are still there
    assert shown.status_code == 403 and posted.status_code == 403
    assert bulk.status_code in (200, 302)
    assert User.objects.filter(pk=person.pk, is_active=True).exists()
    assert OutboxMessage.objects.filter(recipient=person).count() == mails
    assert not AccessEntry.objects.filter(action=AccessAction.ERASE).exists()


def test_p5_permissions_are_never_granted_one_by_one(client, administrator):
    person = StaffFactory(role=Role.SALES)
    client.force_login(administrator)
    page = client.get(_user_page(person)).content.decode()
    assert 'name="user_permissions"' not in page


def test_p5_roles_are_not_renamed_regranted_or_deleted_in_the_back_office(client, administrator):
    # given: the superuser and the officers' role group
    officers = Group.objects.get(name=Role.DATA_PROTECTION_OFFICER.value)
    permissions = set(officers.permissions.values_list("pk", flat=True))
    client.force_login(administrator)
    change = reverse("admin:auth_group_change", args=[officers.pk])
    # when: they rename it, delete it, or add a group of their own
    renamed = client.post(change, {"name": "dpo-old", "permissions": []})
    deleted = client.post(reverse("admin:auth_group_delete", args=[officers.pk]), {"post": "yes"})
    added = client.post(reverse("admin:auth_group_add"), {"name": "dpo", "permissions": []})
    # then: every write is refused; the role and its permissions stand
    assert renamed.status_code == 403 and deleted.status_code == 403
    assert added.status_code == 403
    officers.refresh_from_db()
    assert officers.name == Role.DATA_PROTECTION_OFFICER.value
    assert set(officers.permissions.values_list("pk", flat=True)) == permissions
    assert client.get(change).status_code == 200
