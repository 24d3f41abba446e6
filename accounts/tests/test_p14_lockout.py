"""P14: guessing passwords is stopped per account and client address, on both sign-ins."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import connection
from django.test import RequestFactory

from accounts.axes import username_blind_index
from accounts.tests.factories import UserFactory
from conftest import TEST_PASSWORD
from core.http import client_ip_address

pytestmark = pytest.mark.django_db

LOGIN_URL = "/llogaria/hyr/"
ADMIN_LOGIN_URL = "/zyra/login/"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.20"
LIMIT = 5


@pytest.fixture(autouse=True)
def _no_slowdown(settings):  # type: ignore[no-untyped-def]
    """Prove axes' lockout alone: the per-address slowdown (test_p14_sign_in_slowdown)
    would otherwise answer after the third failure, before axes' fifth."""
    settings.SIGN_IN_SLOWDOWN_FREE_FAILURES = 1000


def _sign_in(client, url: str, email: str, password: str, address: str):  # type: ignore[no-untyped-def]
    return client.post(url, {"username": email, "password": password}, REMOTE_ADDR=address)


def _fail(client, url: str, email: str, *, times: int, address: str = ATTACKER):  # type: ignore[no-untyped-def]
    return [
        _sign_in(client, url, email, f"wrong-password-{attempt}", address)
        for attempt in range(times)
    ]


def _signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    return "_auth_user_id" in client.session


def test_p14_wrong_passwords_lock_the_account_from_that_address(client, customer):
    # when
    responses = _fail(client, LOGIN_URL, customer.email, times=LIMIT)

    # then: the first failures show the form again, the last one the lockout page
    assert [response.status_code for response in responses[:-1]] == [200] * (LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    assert "Hyrja u ndal përkohësisht" in locked.content.decode()
    assert "15 minutash" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    assert "accounts/locked_out.html" in [template.name for template in locked.templates]

    # and the right password from the same address is refused too
    right = _sign_in(client, LOGIN_URL, customer.email, TEST_PASSWORD, ATTACKER)
    assert right.status_code == 429
    assert not _signed_in(client)


def test_p14_the_same_account_still_signs_in_from_another_address(client, customer):
    _fail(client, LOGIN_URL, customer.email, times=LIMIT)

    response = _sign_in(client, LOGIN_URL, customer.email, TEST_PASSWORD, HOME)

    assert response.status_code == 302
    assert _signed_in(client)


def test_p14_other_accounts_from_the_locked_address_are_not_locked(client, customer):
    neighbour = UserFactory()
    _fail(client, LOGIN_URL, customer.email, times=LIMIT)

    response = _sign_in(client, LOGIN_URL, neighbour.email, TEST_PASSWORD, ATTACKER)

    assert response.status_code == 302


def test_p14_address_spelt_differently_is_the_same_account(client, customer):
    shouted = f"  {customer.email.upper()} "
    _fail(client, LOGIN_URL, shouted, times=LIMIT - 1)

    response = _sign_in(client, LOGIN_URL, customer.email, "still-wrong-password", ATTACKER)

    assert response.status_code == 429


def test_p14_lockout_page_is_in_english_under_en(client, customer):
    responses = _fail(client, "/en" + LOGIN_URL, customer.email, times=LIMIT)

    locked = responses[-1]
    assert locked.status_code == 429
    assert "Sign-in paused" in locked.content.decode()
    assert "15 minutes" in locked.content.decode()


def test_p14_a_success_clears_the_failures_before_it(client, customer):
    _fail(client, LOGIN_URL, customer.email, times=LIMIT - 1)

    _sign_in(client, LOGIN_URL, customer.email, TEST_PASSWORD, ATTACKER)

    assert not AccessAttempt.objects.exists()


def test_p14_attempt_records_hold_no_email_address_and_no_password(client, customer):
    # given: failures typed in two spellings, then a success
    _fail(client, LOGIN_URL, customer.email.upper(), times=2)
    _fail(client, ADMIN_LOGIN_URL, customer.email, times=2, address=HOME)
    _sign_in(client, LOGIN_URL, customer.email, TEST_PASSWORD, HOME)

    # then: every raw column of every axes table is free of the address and the passwords
    secrets_typed = [customer.email, customer.email.upper(), "wrong-password", TEST_PASSWORD]
    local_part = customer.email.split("@")[0]
    rows = 0
    with connection.cursor() as cursor:
        for table in ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  (fixed table names)
            for row in cursor.fetchall():
                rows += 1
                text = " ".join(str(value) for value in row)
                assert local_part.lower() not in text.lower()
                for secret in secrets_typed:
                    assert secret not in text
    assert rows > 0
    attempt = AccessAttempt.objects.get(ip_address=ATTACKER)
    assert attempt.username == username_blind_index(None, {"username": customer.email})
    assert "********************" in attempt.post_data


def test_p14_successful_sign_ins_are_not_logged(client, customer):
    _sign_in(client, LOGIN_URL, customer.email, TEST_PASSWORD, HOME)
    client.post("/llogaria/dil/")
    _fail(client, LOGIN_URL, customer.email, times=1)

    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_p14_back_office_sign_in_is_locked_too(client):
    staff = UserFactory(is_staff=True)

    responses = _fail(client, ADMIN_LOGIN_URL, staff.email, times=LIMIT)
    right = _sign_in(client, ADMIN_LOGIN_URL, staff.email, TEST_PASSWORD, ATTACKER)

    assert responses[-1].status_code == 429
    assert right.status_code == 429
    assert not _signed_in(client)
    assert _sign_in(client, ADMIN_LOGIN_URL, staff.email, TEST_PASSWORD, HOME).status_code == 302


def test_p14_client_address_is_the_socket_unless_proxies_are_trusted(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9"
    )

    settings.FEJZO_TRUSTED_PROXY_COUNT = 0
    assert client_ip_address(request) == "10.0.0.2"
    # One proxy appends the address it saw; what the client wrote before it is ignored.
    settings.FEJZO_TRUSTED_PROXY_COUNT = 1
    assert client_ip_address(request) == "203.0.113.9"
    settings.FEJZO_TRUSTED_PROXY_COUNT = 2
    assert client_ip_address(request) == "192.0.2.1"
    settings.FEJZO_TRUSTED_PROXY_COUNT = 3
    assert client_ip_address(request) == "10.0.0.2"


def test_p14_forged_forwarded_address_falls_back_to_the_socket(settings):
    settings.FEJZO_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")

    assert client_ip_address(request) == "10.0.0.2"
