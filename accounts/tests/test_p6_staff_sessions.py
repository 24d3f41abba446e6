"""P6/P14: a staff session ends 8 hours after sign-in and after 30 minutes idle.

Staff sessions see customers' data; a forgotten one on a shop-floor computer must not
stay open for Django's two weeks. The limits hold in the back office and on the
storefront alike (one session serves both). Customers keep the usual two weeks.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.sessions import STAFF_SIGNED_IN_AT
from accounts.tests.factories import UserFactory
from conftest import TEST_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/llogaria/hyr/"
ADMIN_LOGIN_URL = "/zyra/login/"
BACK_OFFICE = "/zyra/"
PROFILE = "/llogaria/"


class Clock:
    """The time every `timezone.now()` reads, moved forward by the test."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    moving = Clock()
    now: Callable[[], datetime] = lambda: moving.now  # noqa: E731
    monkeypatch.setattr(timezone, "now", now)
    return moving


@pytest.fixture
def staff_member() -> User:
    return UserFactory(is_staff=True)


def _sign_in(client: Client, url: str, user: User) -> None:
    response = client.post(url, {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302


def _signed_in(client: Client, url: str) -> bool:
    response = client.get(url)
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert "login" in response["Location"] or "hyr" in response["Location"]
    return False


def test_p6_staff_session_expires_after_30_minutes_idle_in_the_back_office(
    client, clock, staff_member
):
    _sign_in(client, ADMIN_LOGIN_URL, staff_member)
    assert _signed_in(client, BACK_OFFICE)

    clock.advance(minutes=31)

    assert not _signed_in(client, BACK_OFFICE)
    assert "_auth_user_id" not in client.session


def test_p6_staff_session_expires_after_30_minutes_idle_on_the_storefront(
    client, clock, staff_member
):
    _sign_in(client, LOGIN_URL, staff_member)

    # activity keeps it open...
    for _ in range(3):
        clock.advance(minutes=29)
        assert _signed_in(client, PROFILE)

    # ...half an hour without a request ends it, for the back office too
    clock.advance(minutes=30)
    assert not _signed_in(client, PROFILE)
    assert not _signed_in(client, BACK_OFFICE)


def test_p6_staff_session_expires_8_hours_after_sign_in_even_when_active(
    client, clock, staff_member
):
    _sign_in(client, ADMIN_LOGIN_URL, staff_member)

    for _ in range(23):  # a request every 20 minutes for 7 h 40 min
        clock.advance(minutes=20)
        assert _signed_in(client, BACK_OFFICE)
    clock.advance(minutes=20)

    assert not _signed_in(client, BACK_OFFICE)
    assert not _signed_in(client, PROFILE)


def test_p6_staff_session_row_and_cookie_expire_with_the_limits(client, clock, staff_member):
    _sign_in(client, ADMIN_LOGIN_URL, staff_member)
    response = client.get(BACK_OFFICE)

    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 30 * 60
    row = Session.objects.get(session_key=client.session.session_key)
    assert row.expire_date == clock.now + timedelta(minutes=30)

    # near the end of the 8 hours, the session ends with them, not 30 minutes later
    for _ in range(47):  # a request every 10 minutes, up to 7 h 50 min
        clock.advance(minutes=10)
        client.get(BACK_OFFICE)
    row = Session.objects.get(session_key=client.session.session_key)
    # (the sign-in time is kept to the second)
    assert timedelta(minutes=9, seconds=59) < row.expire_date - clock.now <= timedelta(minutes=10)


def test_p6_a_staff_session_without_its_clock_is_ended_with_a_message(client, customer):
    # given: signed in as a customer, then made staff (or signed in before the rule)
    _sign_in(client, LOGIN_URL, customer)
    User.objects.filter(pk=customer.pk).update(is_staff=True)

    response = client.get(PROFILE, follow=True)

    assert response.redirect_chain[-1][0].startswith(LOGIN_URL)
    assert "seanca e stafit mbyllet 8 orë pas hyrjes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_p6_customer_sessions_keep_the_current_behaviour(client, clock, customer):
    _sign_in(client, LOGIN_URL, customer)

    clock.advance(hours=9)

    assert _signed_in(client, PROFILE)
    assert client.session.get_expiry_age() == django_settings.SESSION_COOKIE_AGE
    assert STAFF_SIGNED_IN_AT not in client.session


def test_p6_staff_session_limits_are_settings(client, clock, staff_member, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 5 * 60
    _sign_in(client, ADMIN_LOGIN_URL, staff_member)

    clock.advance(minutes=6)

    assert not _signed_in(client, BACK_OFFICE)
