"""Pages about a person put nothing in the shared cache (P5): a fragment keyed by the
page's address would keep the token of a confirmation, verification, unsubscribe or
order link in the cache, where the next visitor's request reads it."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client

from catalog.context_processors import page_is_private
from mail.models import MailKind, OutboxMessage
from rights.requests.services import erasure_request_by_customer
from subscriptions.tests.factories import SubscriberFactory
from subscriptions.tokens import confirmation_token, preferences_token, unsubscribe_token

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"/fshirja/konfirmo/([\w-]+)/")


def _stored() -> list[bytes]:
    """Every key and stored value of the (local-memory) cache, as bytes."""
    stored = cache._cache  # type: ignore[attr-defined]
    return [key.encode() for key in stored] + [bytes(value) for value in stored.values()]


def _erasure_token(customer) -> str:  # type: ignore[no-untyped-def]
    from conftest import TEST_PASSWORD

    erasure_request_by_customer(user=customer, password=TEST_PASSWORD)
    message = OutboxMessage.objects.filter(kind=MailKind.ERASURE_CONFIRM).latest("created_at")
    found = CONFIRM_LINK.search(message.body_text)
    assert found
    return found.group(1)


def test_p5_no_token_of_a_link_reaches_the_shared_cache(customer, catalogue):
    # given: real links of each kind, and made-up ones of the same shape
    subscriber = SubscriberFactory()
    tokens = {
        "confirm": confirmation_token(subscriber.public_id),
        "preferences": preferences_token(subscriber.public_id),
        "unsubscribe": unsubscribe_token(str(subscriber.public_id), topic=None, campaign_id=None),
        "erasure": _erasure_token(customer),
        "verify": "Zm9vYmFyMTIz-tokenverifiko0123456789",
        "order": "PorosiaTokenQ9x8w7v6u5t4",
        "reset": "ResetTokenA1b2c3d4e5f6g7h8",
    }
    addresses = [
        f"/email/konfirmo/{tokens['confirm']}/",
        f"/email/preferencat/{tokens['preferences']}/",
        f"/email/cregjistrohu/{tokens['unsubscribe']}/",
        f"/llogaria/fshirja/konfirmo/{tokens['erasure']}/",
        f"/llogaria/verifiko/MQ/{tokens['verify']}/",
        f"/porosite/{tokens['order']}/",
        f"/llogaria/fjalekalimi/MQ/{tokens['reset']}/",
        f"/nuk-ekziston/{tokens['reset']}x/",
    ]
    cache.clear()
    visitor = Client()
    # when: a first-time visitor opens each, and a catalogue page (which is stored)
    for address in addresses:
        assert visitor.get(address).status_code < 500, address
        visitor.get(f"/en{address}")
    assert visitor.get("/produkte/").status_code == 200
    # then: the catalogue's chrome is cached, and no token is in any key or value
    stored = _stored()
    assert stored, "the catalogue page stores its chrome"
    for name, token in tokens.items():
        assert not any(token.encode() in item for item in stored), name


def test_p5_the_pages_a_section_declares_are_private(rf, catalogue):
    from django.urls import resolve

    def private(path: str) -> bool:
        request = rf.get(path)
        request.resolver_match = resolve(path)
        return page_is_private(request)

    assert private("/email/konfirmo/abc/")
    assert private("/llogaria/")
    assert private("/shporta/")
    assert not private("/produkte/")
    assert not private("/")
    # an address nothing matched may be a mistyped link
    assert page_is_private(rf.get("/nuk-ekziston/abc/"))
