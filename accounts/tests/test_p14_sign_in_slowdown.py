"""P14: password spraying is slowed per email address, from every client together.

django-axes locks out one account from one client address after five failures; four
guesses on each of many accounts stay under it. The slowdown counts failures with an
address from anywhere and, after three, refuses the next attempt unheard for a wait
that doubles with each failure, up to a cap. Unknown addresses are treated alike.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.db.models import F

from accounts.axes import sign_in_records_forget
from accounts.models import ThrottleCounter, ThrottleScope
from accounts.tests.factories import UserFactory
from accounts.throttles import sign_in_delay
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/llogaria/hyr/"
ADMIN_LOGIN_URL = "/zyra/login/"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.20"
SPRAYED = ["Tirana2024!", "Shqiperia1", "Fjalekalim1", "Pranvera-2025"]
SLOWED_TEMPLATE = "accounts/sign_in_slowed.html"
CSRF_VALUE = re.compile(r'value="[A-Za-z0-9]{64}"')


def _sign_in(client, url: str, email: str, password: str, address: str = ATTACKER):  # type: ignore[no-untyped-def]
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return "_auth_user_id" in client.session


def _minutes_pass(minutes: int) -> None:
    """Move every stored sign-in record back in time, as if the minutes had passed."""
    shift = timedelta(minutes=minutes)
    ThrottleCounter.objects.update(last_at=F("last_at") - shift, expires_at=F("expires_at") - shift)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - shift)


def _failures(scope: ThrottleScope = ThrottleScope.SIGN_IN_FAILURES) -> list[int]:
    return sorted(ThrottleCounter.objects.filter(scope=scope).values_list("count", flat=True))


def test_p14_spraying_slowed(client):
    # given: ten customers
    accounts = UserFactory.create_batch(10)

    # when: one client address tries four passwords on every account, every 15 minutes
    rounds = []
    for _round in range(2):
        rounds.append(
            [
                [_sign_in(client, LOGIN_URL, account.email, password) for password in SPRAYED]
                for account in accounts
            ]
        )
        _minutes_pass(15)

    # then: the first round has three guesses per account checked, the fourth refused
    # unheard; the next round, one. axes' lockout (5 per account and address) never came.
    for answers in rounds[0]:
        assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
        assert SLOWED_TEMPLATE in [template.name for template in answers[-1].templates]
        assert answers[-1]["Retry-After"] == "60"
    for answers in rounds[1]:
        assert [answer.status_code for answer in answers] == [200, 429, 429, 429]
    assert _failures() == [4] * len(accounts)
    assert not _signed_in(client)


def test_p14_a_right_password_is_refused_unheard_during_the_wait(client, customer):
    # given: three wrong guesses
    for password in SPRAYED[:3]:
        _sign_in(client, LOGIN_URL, customer.email, password)

    # when: the fourth guess is the right one, from the owner's own address even
    answer = _sign_in(client, LOGIN_URL, customer.email, TEST_PASSWORD, address=HOME)

    # then
    assert answer.status_code == 429
    assert "Prisni pak para përpjekjes tjetër" in answer.content.decode()
    assert "Provoni përsëri pas 1 minute." in answer.content.decode()
    assert not _signed_in(client)


def test_p14_spraying_from_many_client_addresses_is_slowed_too(client, customer):
    answers = [
        _sign_in(client, LOGIN_URL, customer.email, password, address=f"192.0.2.{number}")
        for number, password in enumerate(SPRAYED, start=1)
    ]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]


def test_p14_the_owner_signs_in_after_a_short_wait_and_the_failures_are_forgotten(client, customer):
    for password in SPRAYED[:3]:
        _sign_in(client, LOGIN_URL, customer.email, password)
    _minutes_pass(1)

    answer = _sign_in(client, LOGIN_URL, customer.email, TEST_PASSWORD, address=HOME)

    assert answer.status_code == 302
    assert _signed_in(client)
    assert _failures() == []


def test_p14_refused_attempts_do_not_lengthen_the_wait(client, customer):
    for password in SPRAYED[:3]:
        _sign_in(client, LOGIN_URL, customer.email, password)

    for _attempt in range(5):
        assert _sign_in(client, LOGIN_URL, customer.email, "anything-else").status_code == 429

    assert _failures() == [3]


def test_p14_the_wait_doubles_up_to_a_cap():
    waits = [sign_in_delay(failures) for failures in range(10)]

    minutes = [None if wait is None else wait.total_seconds() / 60 for wait in waits]
    assert minutes == [None, None, None, 1, 2, 4, 8, 15, 15, 15]
    assert sign_in_delay(10_000) == timedelta(minutes=15)


def test_p14_failures_are_forgotten_an_hour_after_the_last(client, customer):
    for password in SPRAYED:
        _sign_in(client, LOGIN_URL, customer.email, password)
    _minutes_pass(61)

    answers = [_sign_in(client, LOGIN_URL, customer.email, p) for p in SPRAYED[:3]]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert _failures() == [3]


def test_p14_unknown_address_is_slowed_alike(client, customer):
    nobody = "askush@example.al"

    # when: the same guesses with a customer's address and with an address of nobody
    known = [_sign_in(client, LOGIN_URL, customer.email, password) for password in SPRAYED]
    unknown = [_sign_in(client, LOGIN_URL, nobody, password) for password in SPRAYED]

    # then: the answers cannot be told apart (but for the address the form shows again)
    def seen(answer, typed: str):  # type: ignore[no-untyped-def]
        page = CSRF_VALUE.sub("", answer.content.decode()).replace(typed, "ADDRESS")
        return answer.status_code, answer.get("Retry-After"), page

    assert [seen(answer, customer.email) for answer in known] == [
        seen(answer, nobody) for answer in unknown
    ]
    assert known[-1].status_code == 429


def test_p14_back_office_sign_in_is_slowed_too(client):
    staff = UserFactory(is_staff=True)

    answers = [_sign_in(client, ADMIN_LOGIN_URL, staff.email, p) for p in SPRAYED[:3]]
    right = _sign_in(client, ADMIN_LOGIN_URL, staff.email, TEST_PASSWORD, address=HOME)

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert right.status_code == 429
    assert not _signed_in(client)
    _minutes_pass(1)
    assert _sign_in(client, ADMIN_LOGIN_URL, staff.email, TEST_PASSWORD, HOME).status_code == 302


def test_p14_the_slowdown_counts_no_address_in_clear(client, customer):
    for password in SPRAYED:
        _sign_in(client, LOGIN_URL, customer.email.upper(), password)

    assert _failures() == [3]  # both spellings are one address
    local_part = customer.email.split("@")[0]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ThrottleCounter._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
    assert rows
    for row in rows:
        text = " ".join(str(value) for value in row).lower()
        assert local_part not in text
        assert ATTACKER not in text


def test_p12_erasure_forgets_the_failures_under_the_address(client, customer):
    for password in SPRAYED[:2]:
        _sign_in(client, LOGIN_URL, customer.email, password)
    neighbour = UserFactory()
    _sign_in(client, LOGIN_URL, neighbour.email, SPRAYED[0])

    sign_in_records_forget(emails=[customer.email])

    assert _failures() == [1]


def test_p14_a_stranger_cannot_keep_the_owner_out_of_their_own_browser(client):
    # given: the owner signed in once from their browser, which remembers it
    from django.test import Client

    from accounts.devices import KNOWN_DEVICE_COOKIE

    owner = UserFactory()
    _sign_in(client, LOGIN_URL, owner.email, TEST_PASSWORD, address=HOME)
    assert _signed_in(client) and KNOWN_DEVICE_COOKIE in client.cookies
    assert owner.email not in client.cookies[KNOWN_DEVICE_COOKIE].value
    client.post("/llogaria/dil/", REMOTE_ADDR=HOME)
    assert not _signed_in(client)
    # when: strangers fail with the owner's address from three clients, and more
    stranger = Client()
    for number in range(6):
        _sign_in(stranger, LOGIN_URL, owner.email, "gabim-gabim-1", address=f"192.0.2.{number}")
    # then: a fresh browser with the owner's address must wait, even with the password
    fresh = Client()
    waited = _sign_in(fresh, LOGIN_URL, owner.email, TEST_PASSWORD, address="192.0.2.200")
    assert waited.status_code == 429 and not _signed_in(fresh)
    # but the owner's own browser signs in at once
    _sign_in(client, LOGIN_URL, owner.email, TEST_PASSWORD, address=HOME)
    assert _signed_in(client)


def test_p14_a_forged_device_cookie_is_worth_nothing(client):
    from accounts.devices import KNOWN_DEVICE_COOKIE

    owner = UserFactory()
    for number in range(6):
        _sign_in(client, LOGIN_URL, owner.email, "gabim-gabim-1", address=f"192.0.2.{number}")
    client.cookies[KNOWN_DEVICE_COOKIE] = '["anything"]:forged:signature'
    response = _sign_in(client, LOGIN_URL, owner.email, TEST_PASSWORD, address="192.0.2.201")
    assert response.status_code == 429 and not _signed_in(client)
