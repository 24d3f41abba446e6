from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import User
from config.settings import base as base_settings
from core.testing import free_port, run_tasks, text_body
from mail.models import MailKind, OutboxMessage, OutboxStatus
from policy.models import DocumentKind, PolicyAcceptance

pytestmark = pytest.mark.django_db

REGISTER = "/llogaria/regjistrohu/"


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Arta",
        "last_name": "Hoxha",
        "email": "Arta.Hoxha@Example.al",
        "phone": "069 123 4567",
        "password1": "Mali-i-Dajtit-1611",
        "password2": "Mali-i-Dajtit-1611",
        "accept_terms": "on",
        "terms_version": "1",
        "privacy_version": "1",
    }
    data.update(overrides)
    return data


def test_p1_p3_registration_creates_account_and_records_exact_versions(client):
    response = client.post(REGISTER, _form())
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "arta.hoxha@example.al"
    assert user.phone == "+355691234567"
    assert not user.email_verified
    accepted = {(a.kind, a.version) for a in PolicyAcceptance.objects.filter(user=user)}
    assert accepted == {(DocumentKind.TERMS, 1), (DocumentKind.PRIVACY, 1)}
    assert PolicyAcceptance.objects.filter(accepted_at__isnull=False).count() == 2
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {MailKind.WELCOME, MailKind.EMAIL_VERIFICATION}


def test_passwords_are_hashed_with_argon2_by_default(settings):
    assert base_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS
    user = User.objects.create_user("a@example.al", "Mali-i-Dajtit-1611", first_name="A")
    assert user.password.startswith("argon2")


@pytest.mark.parametrize("phone", ["069 123 4567", "+355 69 123 4567", "0691234567", "04 222 3344"])
def test_albanian_phone_formats_are_accepted_and_normalised(client, phone):
    client.post(REGISTER, _form(phone=phone))
    assert User.objects.get().phone.startswith("+355")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phone": "12345"}, "phone", "nuk është i vlefshëm"),
        ({"phone": "abc"}, "phone", "nuk duket si numër telefoni"),
        ({"password2": "tjeter-fjalekalim-99"}, "password2", "nuk përputhen"),
        ({"password1": "1234567890", "password2": "1234567890"}, "password1", ""),
        ({"accept_terms": ""}, "accept_terms", "duhet të pranoni"),
        ({"email": "jo-email"}, "email", ""),
        ({"first_name": "A" * 500}, "first_name", ""),
    ],
)
def test_bad_registration_input_is_explained_and_changes_nothing(client, overrides, field, message):
    response = client.post(REGISTER, _form(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_password_validators_speak_albanian(client):
    response = client.post(REGISTER, _form(password1="shkurt1", password2="shkurt1"))
    errors = " ".join(response.context["form"].errors["password1"])
    assert "shumë i shkurtër" in errors


def test_p1_outdated_policy_version_is_not_recorded(client):
    response = client.post(REGISTER, _form(privacy_version="7"), follow=True)
    assert User.objects.count() == 0
    assert "u përditësuan" in response.content.decode()


def test_p8_welcome_survives_smtp_outage_and_arrives_once(client, settings):
    # given the SMTP server is down while a customer registers
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from config.env import email_settings
    from core.testing import SMTPServer

    port = free_port()
    for name, value in email_settings(f"smtp://127.0.0.1:{port}?timeout=2").items():
        setattr(settings, name, value)
    response = client.post(REGISTER, _form())
    assert response.status_code == 302
    run_tasks()
    assert OutboxMessage.objects.filter(status=OutboxStatus.PENDING).count() == 2
    # when it is back and the retries fall due
    server = SMTPServer(port=port).start()
    try:
        past = timezone.now() - timedelta(seconds=1)
        OutboxMessage.objects.update(next_attempt_at=past)
        DBTaskResult.objects.filter(status="READY").update(run_after=past)
        run_tasks()
        run_tasks()
        welcome = [m for m in server.messages if m["Subject"] == "Mirë se vini në 3VFejzo"]
        assert len(welcome) == 1
        assert len(server.messages) == 2
    finally:
        server.stop()


def test_verification_link_verifies_once_and_tampering_fails(client, smtp_server):
    client.post(REGISTER, _form())
    run_tasks()
    verification = next(m for m in smtp_server.messages if "Verifikoni" in m["Subject"])
    link = re.search(r"http://\S+/llogaria/verifiko/\S+/", text_body(verification)).group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else link
    tampered = path[:-3] + ("a" if path[-3] != "a" else "b") + path[-2:]
    assert client.get(tampered).status_code == 400
    assert not User.objects.get().email_verified
    response = client.get(path)
    assert response.status_code == 302
    assert User.objects.get().email_verified


def test_garbage_verification_links_are_refused_not_crashed(client):
    for path in [
        "/llogaria/verifiko/xx/yy/",
        "/llogaria/verifiko/MQ/abc-def/",
        "/llogaria/verifiko/" + "A" * 300 + "/z/",
    ]:
        assert client.get(path).status_code == 400


def test_login_with_email_in_any_case(client, customer):
    response = client.post(
        reverse("accounts:login"),
        {"username": customer.email.upper(), "password": "fjalekalim-i-sigurt-42"},
    )
    assert response.status_code == 302
    client.logout()
    wrong = client.post(reverse("accounts:login"), {"username": customer.email, "password": "x"})
    assert "nuk është i saktë" in wrong.content.decode()


def test_password_reset_goes_through_the_outbox_and_reveals_nothing(client, customer, smtp_server):
    client.post(reverse("accounts:password_reset"), {"email": customer.email})
    client.post(reverse("accounts:password_reset"), {"email": "nobody@example.al"})
    run_tasks()
    [message] = smtp_server.messages
    assert message["To"] == customer.email
    link = re.search(r"http://\S+/llogaria/fjalekalimi/\S+/", text_body(message)).group(0)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Lumi-i-Vjoses-2024", "new_password2": "Lumi-i-Vjoses-2024"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.check_password("Lumi-i-Vjoses-2024")


def test_verification_link_reveals_nothing_about_other_verified_accounts(client, customer):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(customer.pk))
    assert client.get(f"/llogaria/verifiko/{uid}/anything-0/").status_code == 400
    assert client.get("/llogaria/verifiko/OTk5OTk/anything-0/").status_code == 400


def test_opening_a_used_link_again_while_signed_in_is_friendly(client, customer):
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    client.force_login(customer)
    uid = urlsafe_base64_encode(force_bytes(customer.pk))
    assert client.get(f"/llogaria/verifiko/{uid}/used-0/").status_code == 302
