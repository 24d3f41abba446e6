"""P14: mail that anyone can make the shop send to an address is throttled.

A burst of 40 password-reset requests used to write 40 mails. Requests are counted per
target address and per client, in the database (every worker shares the count), under
keyed hashes only; past a limit the page answers as usual and no mail is written.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.test import Client
from django.urls import reverse

from accounts.counters import client_network, throttle_count, throttle_expired_purge
from accounts.models import EmailChange, ThrottleCounter
from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from accounts.throttles import mail_request_allowed
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage

pytestmark = pytest.mark.django_db

RESET = "/llogaria/fjalekalimi/"
RESET_DONE = "/llogaria/fjalekalimi/u-dergua/"
RESEND = "/llogaria/verifiko/dergo-perseri/"
EMAIL_CHANGE = "/llogaria/email/ndrysho/"
ATTACKER = "203.0.113.66"
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _mails(kind: MailKind) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind))


def _client_number(number: int) -> str:
    return f"198.51.100.{number + 1}"


def _reset(client, email: str, address: str = ATTACKER):  # type: ignore[no-untyped-def]
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def _window_ends() -> None:
    """Move every throttle counter back in time, past the end of its window."""
    shift = timedelta(hours=1)
    ThrottleCounter.objects.update(last_at=F("last_at") - shift, expires_at=F("expires_at") - shift)


def _page(response) -> str:  # type: ignore[no-untyped-def]
    return CSRF_VALUE.sub("", response.content.decode())


def test_p14_password_reset_throttled_per_address(client, customer):
    # when: a burst of 40 requests for one address, each from a different client
    answers = [_reset(client, customer.email, _client_number(n)) for n in range(40)]

    # then: three links were written, and every request got the usual answer
    assert len(_mails(MailKind.PASSWORD_RESET)) == 3
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {(302, RESET_DONE)}


def test_p14_password_reset_burst_from_one_client_writes_three_mails(client, customer):
    answers = [_reset(client, customer.email) for _ in range(40)]

    assert len(_mails(MailKind.PASSWORD_RESET)) == 3
    assert {answer["Location"] for answer in answers} == {RESET_DONE}


def test_p14_password_reset_throttled_per_client(client):
    # given: fifteen customers
    customers = UserFactory.create_batch(15)

    # when: one client asks a link for each of them
    answers = [_reset(client, customer.email) for customer in customers]

    # then: ten were mailed; the others got the same answer and nothing
    mailed = {mail.to_address for mail in _mails(MailKind.PASSWORD_RESET)}
    assert mailed == {customer.email for customer in customers[:10]}
    assert {answer["Location"] for answer in answers} == {RESET_DONE}


def test_p14_password_reset_answer_is_the_same_throttled_or_not_account_or_not(client, customer):
    # given: the customer's address has used up its quota
    for _ in range(3):
        _reset(client, customer.email, "192.0.2.1")

    # when: the customer's address (throttled) and an unknown one (not) are asked for
    throttled = _reset(client, customer.email, "192.0.2.2")
    unknown = _reset(client, "askush@example.al", "192.0.2.3")

    # then: the same redirect and the same "if the address exists, we sent a link" page
    assert throttled.status_code == unknown.status_code == 302
    assert throttled["Location"] == unknown["Location"] == RESET_DONE
    done = client.get(RESET_DONE)
    assert "Nëse ekziston një llogari me këtë adresë" in done.content.decode()
    assert len(_mails(MailKind.PASSWORD_RESET)) == 3


def test_p14_unknown_addresses_are_counted_like_known_ones(client, customer):
    for _ in range(4):
        _reset(client, "askush@example.al")
        _reset(client, customer.email)

    counts = sorted(ThrottleCounter.objects.values_list("scope", "count"))
    assert counts == [("mail_from_client", 8), ("mail_to_address", 4), ("mail_to_address", 4)]


def test_p14_mail_throttle_ends_with_its_window(client, customer):
    for _ in range(5):
        _reset(client, customer.email)
    assert len(_mails(MailKind.PASSWORD_RESET)) == 3

    _window_ends()
    _reset(client, customer.email)

    assert len(_mails(MailKind.PASSWORD_RESET)) == 4


def test_p14_mail_throttle_is_shared_by_every_process(customer):
    # given: three requests, each through a fresh client, and the per-process cache wiped
    for _ in range(3):
        _reset(Client(), customer.email)
        cache.clear()

    # when: another "worker" (a new client, an empty cache) gets the fourth
    _reset(Client(), customer.email)

    # then: the count lives in the database, so the fourth writes no mail
    assert len(_mails(MailKind.PASSWORD_RESET)) == 3


def test_p14_one_ipv6_client_is_one_network(client):
    customers = UserFactory.create_batch(12)

    for number, customer in enumerate(customers):
        _reset(client, customer.email, f"2001:db8:1:2::{number + 1:x}")

    assert len(_mails(MailKind.PASSWORD_RESET)) == 10
    assert client_network("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert client_network("::ffff:203.0.113.9") == "203.0.113.9"
    assert client_network("not-an-address") is None


def test_p14_throttle_rows_hold_no_address_in_clear(client, customer):
    _reset(client, customer.email.upper(), "2001:db8:77::5")
    _reset(client, customer.email, ATTACKER)

    local_part = customer.email.split("@")[0]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ThrottleCounter._meta.db_table}")  # noqa: S608
        rows = cursor.fetchall()
    assert len(rows) == 3  # one address (both spellings), two clients
    for row in rows:
        text = " ".join(str(value) for value in row).lower()
        for secret in (local_part, ATTACKER, "2001:db8:77", "203.0.113"):
            assert secret not in text


def test_p14_expired_throttle_rows_do_not_pile_up(customer):
    for number in range(5):
        mail_request_allowed(
            kind=MailKind.PASSWORD_RESET,
            to_address=f"adresa{number}@example.al",
            client_ip=ATTACKER,
        )
    assert ThrottleCounter.objects.count() == 6

    # when: the window ends and one more request comes
    _window_ends()
    mail_request_allowed(
        kind=MailKind.PASSWORD_RESET, to_address=customer.email, client_ip="192.0.2.50"
    )

    # then: the rows of the ended window are gone
    assert ThrottleCounter.objects.count() == 2
    _window_ends()
    assert throttle_expired_purge() == 2
    assert not ThrottleCounter.objects.exists()


def test_p14_verification_resend_throttled_per_address(client):
    # given: someone registered a stranger's address and keeps pressing "send again"
    squatter = UnverifiedUserFactory()
    client.force_login(squatter)

    answers = [client.post(RESEND, REMOTE_ADDR=_client_number(n), follow=True) for n in range(10)]

    # then: three links went to the address; the account holder is told honestly
    assert len(_mails(MailKind.EMAIL_VERIFICATION)) == 3
    for answer in answers[:3]:
        assert "Ju dërguam një lidhje të re verifikimi." in answer.content.decode()
    for answer in answers[3:]:
        assert "Ju kemi dërguar disa lidhje verifikimi së fundmi" in answer.content.decode()


def test_p14_email_change_throttled_per_address_with_a_clear_message(customer_client, customer):
    # given: three requests to mail one new address
    for _ in range(3):
        response = customer_client.post(
            EMAIL_CHANGE, {"new_email": "i-ri@example.al", "password": TEST_PASSWORD}
        )
        assert response.status_code == 302
    change = EmailChange.objects.get(user=customer)

    # when: a fourth
    refused = customer_client.post(
        EMAIL_CHANGE, {"new_email": "i-ri@example.al", "password": TEST_PASSWORD}
    )

    # then: told plainly in Albanian; nothing new written, nothing mailed
    assert refused.status_code == 429
    assert "Email-i nuk ndryshoi dhe nuk u dërgua asgjë" in refused.content.decode()
    assert EmailChange.objects.get(user=customer).pk == change.pk
    assert len(_mails(MailKind.EMAIL_CHANGE_CONFIRM)) == 3
    assert len(_mails(MailKind.EMAIL_CHANGE_NOTICE)) == 3


def test_p14_email_change_throttled_per_client(customer_client):
    answers = [
        customer_client.post(
            EMAIL_CHANGE, {"new_email": f"adresa{n}@example.al", "password": TEST_PASSWORD}
        ).status_code
        for n in range(12)
    ]

    assert answers == [302] * 10 + [429] * 2
    assert len(_mails(MailKind.EMAIL_CHANGE_CONFIRM)) == 10


def test_p14_counting_is_exact_when_workers_race(transactional_db):
    """Threads with their own connections stand for workers; only PostgreSQL has row locks."""
    import threading

    from django.db import connections

    from accounts.models import ThrottleScope

    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions are tested on PostgreSQL (CI runs it).")
    seen: list[int] = []
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait(10)
            seen.append(
                throttle_count(
                    scope=ThrottleScope.MAIL_TO_ADDRESS,
                    value="gara@example.al",
                    window=timedelta(hours=1),
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)

    assert sorted(seen) == list(range(1, 9))
    assert ThrottleCounter.objects.get().count == 8


def test_p14_sign_ups_with_someones_address_leave_their_resets_alone(client, customer):
    # given: a stranger who types the customer's address (and a +tag of it) in the footer
    for typed in (customer.email.upper(), f" {customer.email} ", _plus(customer.email, "1")):
        client.post(reverse("subscriptions:subscribe"), {"email": typed})
    # when: the customer asks for a password reset
    client.post(reverse("accounts:password_reset"), {"email": customer.email})
    # then: her reset mail is written
    assert OutboxMessage.objects.filter(kind=MailKind.PASSWORD_RESET).count() == 1
    assert OutboxMessage.objects.filter(kind=MailKind.SUBSCRIPTION_CONFIRM).exists()


def test_p14_plus_tags_count_as_one_mailbox(client, customer):
    for tag in range(6):
        client.post(reverse("accounts:password_reset"), {"email": _plus(customer.email, str(tag))})
    assert ThrottleCounter.objects.filter(scope="mail_to_address").count() == 1


def _plus(address: str, tag: str) -> str:
    local, _at, domain = address.partition("@")
    return f"{local}+{tag}@{domain}"
