"""P14: a confirmed email change signs the account out everywhere else.

Whoever was signed in with the old address (a shared computer, a stolen session) must
not stay in the account after the owner moved it to a new address.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import EmailChange, User
from accounts.services import email_change_confirm, email_change_request
from accounts.sessions import user_sessions_end
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage

pytestmark = pytest.mark.django_db

EMAIL_CHANGE = "/llogaria/email/ndrysho/"
PROFILE = "/llogaria/"
NEW_EMAIL = "adresa.e.re@example.al"
CONFIRM_LINK = re.compile(r"/llogaria/email/konfirmo/([A-Za-z0-9_-]+)/")


def _signed_in_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _is_signed_in(client: Client) -> bool:
    return client.get(PROFILE).status_code == 200


def _confirm_path() -> str:
    message = OutboxMessage.objects.get(kind=MailKind.EMAIL_CHANGE_CONFIRM)
    match = CONFIRM_LINK.search(message.body_text)
    assert match is not None
    return reverse("accounts:email_change_confirm", args=[match.group(1)])


def test_p14_email_change_ends_the_accounts_other_sessions(customer, other_customer):
    # given: the customer signed in on two devices, and another customer signed in
    confirming, elsewhere = _signed_in_as(customer), _signed_in_as(customer)
    neighbour = _signed_in_as(other_customer)
    confirming.post(EMAIL_CHANGE, {"new_email": NEW_EMAIL, "password": TEST_PASSWORD})

    # when: the link is confirmed on the first device
    response = confirming.post(_confirm_path())

    # then: that device stays signed in, the other is signed out, the neighbour untouched
    assert response.status_code == 302
    assert User.objects.get(pk=customer.pk).email == NEW_EMAIL
    assert _is_signed_in(confirming)
    assert not _is_signed_in(elsewhere)
    assert _is_signed_in(neighbour)


def test_p14_email_change_confirmed_signed_out_ends_every_session_of_the_account(customer):
    devices = [_signed_in_as(customer) for _ in range(2)]
    devices[0].post(EMAIL_CHANGE, {"new_email": NEW_EMAIL, "password": TEST_PASSWORD})
    path = _confirm_path()

    # when: the link is pressed in a mail app's browser, signed in as nobody
    assert Client().post(path).status_code == 200

    # then
    assert not any(_is_signed_in(device) for device in devices)


def test_p14_email_change_confirmed_by_another_account_keeps_only_its_session(
    customer, other_customer
):
    owner = _signed_in_as(customer)
    stranger = _signed_in_as(other_customer)
    owner.post(EMAIL_CHANGE, {"new_email": NEW_EMAIL, "password": TEST_PASSWORD})

    stranger.post(_confirm_path())

    assert not _is_signed_in(owner)
    assert _is_signed_in(stranger)


def test_p14_a_refused_confirmation_ends_no_session(customer):
    device = _signed_in_as(customer)
    change = email_change_request(user=customer, new_email=NEW_EMAIL, password=TEST_PASSWORD)

    assert Client().post(f"/llogaria/email/konfirmo/{'x' * 43}/").status_code == 400

    assert _is_signed_in(device)
    assert EmailChange.objects.get(pk=change.pk).confirmed_at is None


def test_p14_ending_sessions_spares_the_one_kept(customer):
    kept, ended = _signed_in_as(customer), _signed_in_as(customer)

    count = user_sessions_end(user_ids=[customer.pk], keep_session_key=kept.session.session_key)

    assert count == 1
    assert _is_signed_in(kept)
    assert not _is_signed_in(ended)


def test_p14_the_service_ends_sessions_without_a_request(customer):
    device = _signed_in_as(customer)
    email_change_request(user=customer, new_email=NEW_EMAIL, password=TEST_PASSWORD)
    token = CONFIRM_LINK.search(
        OutboxMessage.objects.get(kind=MailKind.EMAIL_CHANGE_CONFIRM).body_text
    )
    assert token is not None

    email_change_confirm(token=token.group(1))

    assert not _is_signed_in(device)
