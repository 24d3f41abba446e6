"""P14: staff reach the back office only with a second factor, and can enrol one themselves."""

from __future__ import annotations

import re
from binascii import unhexlify
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from staff.checks import STAFF_2FA_OFF, check_staff_two_factor
from staff.views import ENROLMENT_SESSION_KEY

pytestmark = pytest.mark.django_db

ADMIN = "/zyra/"
LOGIN = "/zyra/login/"
ENROL = "/zyra/2fa/"


@pytest.fixture
def two_factor_on(settings):  # type: ignore[no-untyped-def]
    settings.FEJZO_STAFF_2FA = True


@pytest.fixture
def staff(db):  # type: ignore[no-untyped-def]
    return UserFactory(is_staff=True)


@pytest.fixture
def device(staff):  # type: ignore[no-untyped-def]
    return TOTPDevice.objects.create(user=staff, name="TOTP", confirmed=True)


def _code(key_hex: str) -> str:
    return f"{totp(unhexlify(key_hex)):06d}"


def _wrong_code(key_hex: str) -> str:
    return f"{(int(_code(key_hex)) + 500_000) % 1_000_000:06d}"


def _sign_in(client, staff, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"username": staff.email, "password": TEST_PASSWORD, **extra})


@pytest.mark.usefixtures("two_factor_on", "device")
def test_p14_password_alone_is_refused_the_back_office(client, staff):
    # when: the password is right but no code is given
    response = _sign_in(client, staff)

    # then: the sign-in asks for the code and the back office stays shut
    assert response.status_code == 200
    assert "Shkruani kodin gjashtëshifror" in response.content.decode()
    assert client.get(ADMIN)["Location"] == f"{LOGIN}?next={ADMIN}"


@pytest.mark.usefixtures("two_factor_on", "device")
def test_p14_a_session_signed_in_without_the_code_is_refused(client, staff):
    client.force_login(staff)

    response = client.get(ADMIN)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={ADMIN}"
    assert client.get("/zyra/catalog/product/").status_code == 302


@pytest.mark.usefixtures("two_factor_on")
def test_p14_valid_totp_code_lets_staff_in(client, staff, device):
    response = _sign_in(client, staff, otp_token=_code(device.key))

    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200


@pytest.mark.usefixtures("two_factor_on")
def test_p14_a_code_is_accepted_only_once(client, staff, device):
    code = _code(device.key)
    _sign_in(client, staff, otp_token=code)
    client.logout()

    replay = _sign_in(client, staff, otp_token=code)

    assert replay.status_code == 200
    assert client.get(ADMIN).status_code == 302


@pytest.mark.usefixtures("two_factor_on")
def test_p14_wrong_code_is_refused_and_counts_towards_the_lockout(client, staff, device):
    response = _sign_in(client, staff, otp_token=_wrong_code(device.key))

    assert response.status_code == 200
    assert "nuk është i saktë" in response.content.decode()
    assert client.get(ADMIN).status_code == 302
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 1
    assert _wrong_code(device.key) not in attempt.post_data


@pytest.mark.usefixtures("two_factor_on")
def test_p14_staff_without_a_device_are_sent_to_enrol(client, staff):
    response = _sign_in(client, staff)

    assert response.status_code == 302
    final = client.get(ADMIN, follow=True)
    assert final.redirect_chain[-1][0].startswith(ENROL)
    assert final.status_code == 200


@pytest.mark.usefixtures("two_factor_on")
def test_p14_enrolment_shows_a_qr_code_and_confirms_the_device_with_a_correct_code(client, staff):
    client.force_login(staff)

    page = client.get(ENROL)
    secret = client.session[ENROLMENT_SESSION_KEY]
    body = page.content.decode()

    assert page.status_code == 200
    assert re.search(r'<svg role="img"[^>]*>\s*<title>', body)
    assert page.context["secret_display"].replace(" ", "") in body.replace(" ", "")
    assert "no-store" in page["Cache-Control"]
    assert not TOTPDevice.objects.exists()

    confirmed = client.post(ENROL, {"token": _code(secret)})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == ADMIN
    device = TOTPDevice.objects.get()
    assert (device.user, device.confirmed, device.key) == (staff, True, secret)
    assert ENROLMENT_SESSION_KEY not in client.session
    # the session that proved the code is a verified one
    assert client.get(ADMIN).status_code == 200


@pytest.mark.usefixtures("two_factor_on")
def test_p14_enrolment_refuses_a_wrong_code_and_saves_nothing(client, staff):
    client.force_login(staff)
    client.get(ENROL)
    secret = client.session[ENROLMENT_SESSION_KEY]

    response = client.post(ENROL, {"token": _wrong_code(secret)})

    assert response.status_code == 200
    assert "Kodi nuk përputhet" in response.content.decode()
    assert not TOTPDevice.objects.exists()
    assert client.session[ENROLMENT_SESSION_KEY] == secret
    assert client.get(ADMIN).status_code == 302


@pytest.mark.usefixtures("two_factor_on", "device")
def test_p14_a_password_alone_cannot_add_a_second_device(client, staff):
    client.force_login(staff)

    response = client.get(ENROL)
    attempt = client.post(ENROL, {"token": "123456"})

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert attempt.status_code == 302
    assert TOTPDevice.objects.count() == 1


@pytest.mark.usefixtures("two_factor_on")
def test_p14_enrolment_is_for_staff_only(client, customer):
    client.force_login(customer)

    response = client.get(ENROL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert not TOTPDevice.objects.exists()


@pytest.mark.usefixtures("two_factor_on")
def test_p14_verified_staff_see_that_the_second_factor_is_on(client, staff, device):
    _sign_in(client, staff, otp_token=_code(device.key))

    response = client.get(ENROL)

    assert response.status_code == 200
    assert "është aktiv" in response.content.decode()


def test_p14_with_the_switch_off_the_password_alone_is_enough(client, staff, settings):
    settings.FEJZO_STAFF_2FA = False

    response = _sign_in(client, staff)

    assert response.status_code == 302
    assert client.get(ADMIN).status_code == 200
    assert 'name="otp_token"' not in client.get(LOGIN + "?next=/zyra/").content.decode()


def test_p14_login_page_asks_for_the_code_when_the_switch_is_on(client, settings):
    settings.FEJZO_STAFF_2FA = True

    page = client.get(LOGIN)

    assert 'name="otp_token"' in page.content.decode()
    assert 'autocomplete="one-time-code"' in page.content.decode()


def test_p14_deploy_check_warns_when_the_switch_is_off(settings):
    settings.FEJZO_STAFF_2FA = False
    assert [message.id for message in check_staff_two_factor()] == [STAFF_2FA_OFF]

    settings.FEJZO_STAFF_2FA = True
    assert check_staff_two_factor() == []


@pytest.mark.parametrize(("switch", "says"), [(False, "is off"), (True, "is on")])
def test_p14_demo_logins_say_whether_the_second_factor_is_on(settings, switch, says):
    settings.FEJZO_STAFF_2FA = switch
    ProductFactory()  # so --if-empty only prints the logins
    out = StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)

    assert f"Staff two-factor sign-in {says}" in out.getvalue()
