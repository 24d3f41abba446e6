"""P14: the footer sign-up cannot be used to mail many addresses, or one address often.

Anyone can type anyone's address into the footer. Each address already gets at most
one confirmation link a day; on top of that, one client may ask for at most
MAIL_THROTTLE_PER_CLIENT sign-ups an hour, and one address for at most
MAIL_THROTTLE_PER_ADDRESS. Past a limit the answer is the same and nothing is
recorded or mailed.
"""

from __future__ import annotations

import re

import pytest

from mail.models import MailKind, OutboxMessage
from subscriptions.models import Subscriber, SubscriptionEvent

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/email/abonohu/"
ATTACKER = "203.0.113.66"
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _sign_up(client, email: str, address: str = ATTACKER):  # type: ignore[no-untyped-def]
    return client.post(SUBSCRIBE, {"email": email}, REMOTE_ADDR=address)


def _answer(client, response) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    followed = client.get(response["Location"])
    return response.status_code, response["Location"], CSRF_VALUE.sub("", followed.content.decode())


def test_p14_footer_sign_up_throttled_per_client(client):
    # when: one client types fifteen different addresses
    answers = {_answer(client, _sign_up(client, f"viktime{n}@example.al")) for n in range(15)}

    # then: ten confirmation links, ten wishes recorded; the same answer for all fifteen
    assert OutboxMessage.objects.filter(kind=MailKind.SUBSCRIPTION_CONFIRM).count() == 10
    assert Subscriber.objects.count() == 10
    assert len(answers) == 1


def test_p14_footer_sign_up_throttled_per_address(client):
    # given: an address typed three times, from three clients
    for number in range(3):
        _sign_up(client, "viktima@example.al", address=f"198.51.100.{number + 1}")
    events = SubscriptionEvent.objects.count()
    subscriber = Subscriber.objects.get()

    # when: a fourth time, with another topic
    response = client.post(
        SUBSCRIBE,
        {"email": "Viktima@Example.al", "topics": ["offers"]},
        REMOTE_ADDR="198.51.100.9",
    )

    # then: the usual answer; nothing recorded, nothing mailed
    assert response.status_code == 302
    assert response["Location"] == f"{SUBSCRIBE}?derguar=1"
    assert SubscriptionEvent.objects.count() == events
    assert Subscriber.objects.get().pk == subscriber.pk
    assert OutboxMessage.objects.filter(kind=MailKind.SUBSCRIPTION_CONFIRM).count() == 1
