"""P14: whenever a password changes, the account's address is told.

A stranger who got hold of a reset link, or of a signed-in browser, could change the
password unseen. Now the change and a mail to the account's address are written in one
transaction, whichever way the password changed.
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from accounts.services import AccountClosed, password_change
from conftest import TEST_PASSWORD
from core.testing import run_tasks, text_body
from mail.models import MailKind, OutboxMessage

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lumi-i-Vjoses-2024"  # noqa: S105
SUBJECT = "Fjalëkalimi i llogarisë suaj te 3VFejzo u ndryshua"


def _reset_by_link(client: Client, user: User, smtp_server, new: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    run_tasks()
    [reset_mail] = [m for m in smtp_server.messages if "Rivendosni" in m.subject]
    link = re.search(r"http://\S+/llogaria/fjalekalimi/\S+/", text_body(reset_mail))
    assert link is not None
    form_page = client.get("/" + link.group(0).split("/", 3)[3], follow=True)
    return client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )


def test_p14_a_password_reset_mails_the_account_that_its_password_changed(
    client, customer, smtp_server, settings
):
    # given
    settings.SITE_URL = "http://127.0.0.1:18501"

    # when: the password is reset through the mailed link
    response = _reset_by_link(client, customer, smtp_server)

    # then: it changed, and one mail says so to the account's address
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    run_tasks()
    [changed] = [m for m in smtp_server.messages if m.subject.strip() == SUBJECT]
    assert changed["To"] == customer.email
    text = text_body(changed)
    assert f"Përshëndetje {customer.first_name}" in text
    assert "http://127.0.0.1:18501/llogaria/fjalekalimi/" in text
    assert NEW_PASSWORD not in text
    assert OutboxMessage.objects.filter(kind=MailKind.PASSWORD_CHANGED).count() == 1


def test_p14_a_refused_new_password_changes_nothing_and_mails_nothing(
    client, customer, smtp_server
):
    response = _reset_by_link(client, customer, smtp_server, new="1234567890")
    assert response.status_code == 200
    customer.refresh_from_db()
    assert customer.check_password(TEST_PASSWORD)
    assert not OutboxMessage.objects.filter(kind=MailKind.PASSWORD_CHANGED).exists()


def test_p14_no_mail_no_new_password(customer):
    # when the mail cannot be written, the password stays as it was
    with (
        mock.patch("accounts.services.password.mail_enqueue", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        password_change(user=customer, password=NEW_PASSWORD)
    customer.refresh_from_db()
    assert customer.check_password(TEST_PASSWORD)


def test_p14_a_new_password_ends_the_accounts_other_sessions(customer):
    # given: the account is signed in on another browser
    other = Client()
    other.force_login(customer)
    assert other.get(reverse("accounts:profile")).status_code == 200

    # when
    password_change(user=customer, password=NEW_PASSWORD)

    # then
    assert other.get(reverse("accounts:profile")).status_code == 302
    [mail] = OutboxMessage.objects.filter(kind=MailKind.PASSWORD_CHANGED)
    assert mail.recipient_id == customer.pk
    assert mail.to_address == customer.email


def test_p14_a_closed_account_gets_no_new_password(customer):
    User.objects.filter(pk=customer.pk).update(is_active=False)
    with pytest.raises(AccountClosed):
        password_change(user=customer, password=NEW_PASSWORD)
    assert not OutboxMessage.objects.exists()


def test_p14_the_mail_is_in_the_accounts_language(customer):
    User.objects.filter(pk=customer.pk).update(language="en")
    customer.refresh_from_db()
    password_change(user=customer, password=NEW_PASSWORD)
    mail = OutboxMessage.objects.get(kind=MailKind.PASSWORD_CHANGED)
    assert mail.language == "en"
    assert "/en/" in mail.body_text
