"""P14: registering with an address that has an account tells nobody it has one.

The form used to answer "Ekziston tashmë një llogari me këtë email", although the
password reset carefully does not. Now a new and an existing address get the same
answer, in about the same time; the existing account is left as it was, nobody is
signed in as its owner, and the owner is mailed that someone tried.
"""

from __future__ import annotations

import re
import statistics
import time
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.hashers import get_hasher
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from accounts.services import registration_submit
from accounts.tests.factories import UserFactory
from config.settings import base as base_settings
from conftest import TEST_PASSWORD
from core.testing import run_tasks, text_body
from mail.models import MailKind, OutboxMessage
from policy.models import PolicyAcceptance

pytestmark = pytest.mark.django_db

REGISTER = "/llogaria/regjistrohu/"
PROFILE = "/llogaria/"
ATTEMPT_SUBJECT = "Dikush u përpoq të regjistrohej me adresën tuaj"
# What differs between two answers by nature, not by the address: per-session tokens.
PER_REQUEST = re.compile(r'(csrfmiddlewaretoken" value|nonce)="[^"]*"')
MAIN = re.compile(r"<main\b.*?</main>", re.DOTALL)


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Dorina",
        "last_name": "Leka",
        "email": "dorina.leka@example.al",
        "phone": "068 765 4321",
        "password1": "Lumi-i-Osumit-2024",
        "password2": "Lumi-i-Osumit-2024",
        "accept_terms": "on",
        "terms_version": "1",
        "privacy_version": "1",
    }
    data.update(overrides)
    return data


def _register(email: str, **extra: Any) -> tuple[Any, Any, Client]:
    """Register from a fresh browser; return the answer, the page it leads to, the browser."""
    # The page's chrome is rendered once and then served from the fragment cache
    # ({% sharedcache %}); each registration starts from an empty cache, so both render
    # the same templates.
    cache.clear()
    browser = Client()
    response = browser.post(REGISTER, _form(email=email), **extra)
    page = browser.get(response["Location"]) if response.status_code == 302 else response
    return response, page, browser


def _seen(page: Any) -> str:
    found = MAIN.search(page.content.decode())
    assert found is not None
    return PER_REQUEST.sub("", found.group(0))


def _state(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "password": user.password,
        "names": (user.first_name, user.last_name),
        "phone": user.phone,
        "language": user.language,
        "verified_at": user.email_verified_at,
        "active": user.is_active,
        "accepted": list(PolicyAcceptance.objects.filter(user=user).values_list("pk", flat=True)),
    }


def test_p14_existing_address_gets_the_same_answer_as_a_new_one(customer):
    # when: one visitor registers a new address, another the customer's (in capitals)
    new, new_page, _browser = _register("e.re@example.al")
    existing, existing_page, _other = _register(customer.email.upper())

    # then: the same status, the same next address, the same page, word for word
    assert new.status_code == existing.status_code == 302
    assert new["Location"] == existing["Location"]
    assert new_page.status_code == existing_page.status_code == 200
    assert [t.name for t in new_page.templates] == [t.name for t in existing_page.templates]
    assert "accounts/register_done.html" in [t.name for t in new_page.templates]
    assert _seen(new_page) == _seen(existing_page)
    assert "Ju dërguam një email" in _seen(new_page)
    assert "Ekziston tashmë" not in existing_page.content.decode()


def test_p14_existing_account_is_left_as_it_was_and_nobody_is_signed_in(customer):
    # given
    before = _state(customer)

    # when: someone registers with the customer's address, another name and password
    _response, _page, browser = _register(customer.email)

    # then: no second account, nothing of the first changed, and no session for it
    assert User.objects.count() == 1
    assert _state(customer) == before
    assert customer.check_password(TEST_PASSWORD)
    assert SESSION_KEY not in browser.session
    assert browser.get(PROFILE).status_code == 302
    # and: the only mail is the one to the owner
    assert list(OutboxMessage.objects.values_list("kind", "recipient")) == [
        (MailKind.REGISTRATION_ATTEMPT, customer.pk)
    ]


def test_p14_new_registration_signs_nobody_in_either():
    _response, _page, browser = _register("e.re@example.al")
    assert User.objects.with_email("e.re@example.al").exists()
    assert SESSION_KEY not in browser.session
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {MailKind.WELCOME, MailKind.EMAIL_VERIFICATION}


def test_p14_owner_gets_exactly_one_mail_through_smtp(customer, smtp_server, settings):
    # given
    settings.SITE_URL = "http://127.0.0.1:18501"

    # when: someone registers with the customer's address
    _register(customer.email)
    run_tasks()

    # then: one mail arrives, at the owner's address, with links to sign in and reset
    [mail] = smtp_server.messages
    assert mail["To"] == customer.email
    assert mail.subject.strip() == ATTEMPT_SUBJECT
    text = text_body(mail)
    assert f"Përshëndetje {customer.first_name}" in text
    assert "http://127.0.0.1:18501/llogaria/hyr/" in text
    assert "http://127.0.0.1:18501/llogaria/fjalekalimi/" in text
    # and it gives away nothing the person typed
    assert "Dorina" not in text and "765" not in text


def test_p14_owner_mail_is_throttled_per_address_and_the_answer_does_not_change(customer, settings):
    # given
    settings.MAIL_THROTTLE_PER_ADDRESS = 2
    answers = []

    # when: five registrations with the customer's address, each from another client
    for number in range(5):
        response, page, _browser = _register(customer.email, REMOTE_ADDR=f"198.51.100.{number}")
        answers.append((response.status_code, response["Location"], _seen(page)))

    # then: two mails, and five identical answers
    assert OutboxMessage.objects.filter(kind=MailKind.REGISTRATION_ATTEMPT).count() == 2
    assert len(set(answers)) == 1


def test_p14_the_address_typed_with_a_plus_tag_counts_as_the_owners(customer, settings):
    settings.MAIL_THROTTLE_PER_ADDRESS = 1
    local, domain = customer.email.split("@")
    _register(customer.email)
    _register(f"{local}+tjeter@{domain}")  # a new address: its own account
    assert OutboxMessage.objects.filter(kind=MailKind.REGISTRATION_ATTEMPT).count() == 1


def test_p14_a_closed_account_is_not_mailed(customer):
    User.objects.filter(pk=customer.pk).update(is_active=False)
    response, _page, _browser = _register(customer.email)
    assert response.status_code == 302
    assert not OutboxMessage.objects.exists()
    assert User.objects.count() == 1


def _hashings(email: str) -> int:
    hasher = type(get_hasher())
    with mock.patch.object(hasher, "encode", autospec=True, side_effect=hasher.encode) as spy:
        _register(email)
    return spy.call_count


def test_p14_both_answers_hash_the_password_once(customer):
    assert _hashings("e.re@example.al") == 1
    assert _hashings(customer.email) == 1


def _submit(email: str, number: int) -> float:
    started = time.process_time()
    registration_submit(
        first_name="Dorina",
        last_name="Leka",
        email=email,
        phone_e164="+355687654321",
        password="Lumi-i-Osumit-2024",
        language="sq",
        terms_version=1,
        privacy_version=1,
        current_terms_version=1,
        current_privacy_version=1,
        client_ip=f"198.51.100.{number}",
    )
    return time.process_time() - started


def test_p14_existing_address_takes_as_long_as_a_new_one(settings):
    # given: the production password hasher, whose cost is what an observer would time
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS
    settings.MAIL_THROTTLE_PER_ADDRESS = 100
    owners = [UserFactory(email=f"pronari{number}@example.al") for number in range(7)]
    _submit("ngrohje@example.al", 250)  # the first call warms the hasher up

    # when: seven new addresses and seven existing ones, interleaved
    new, existing = [], []
    for number, owner in enumerate(owners):
        new.append(_submit(f"e.re{number}@example.al", number))
        existing.append(_submit(owner.email, number + 100))

    # then: the medians are within noise of each other
    ratio = statistics.median(existing) / statistics.median(new)
    assert 0.75 < ratio < 1.33, (new, existing)


def test_p14_the_way_back_to_checkout_is_kept_alike(customer):
    # given: both visitors came to registration from the checkout
    answers = []
    for email in ("e.re@example.al", customer.email):
        browser = Client()
        response = browser.post(f"{REGISTER}?next=/porosite/arka/", _form(email=email))
        answers.append((response["Location"], _seen(browser.get(response["Location"]))))

    # then: the same page, whose sign-in link leads back to the checkout
    assert answers[0] == answers[1]
    assert "/llogaria/hyr/?next=%2Fporosite%2Farka%2F" in answers[0][1]


def test_verifying_without_a_session_leads_to_sign_in_and_then_the_cart():
    _response, _page, _browser = _register("e.re@example.al")
    mail = OutboxMessage.objects.get(kind=MailKind.EMAIL_VERIFICATION)
    link = re.search(r"/llogaria/verifiko/\S+/", mail.body_text)
    assert link is not None
    response = Client().get(link.group(0))
    assert response.status_code == 302
    assert response["Location"] == "/llogaria/hyr/?next=%2Fshporta%2F"
