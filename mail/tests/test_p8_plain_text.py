"""P8: the text part of a mail is plain text; the HTML part is escaped HTML.

A customer named O'Brien & "Co" used to read "O&#x27;Brien &amp; &quot;Co&quot;" in the
text part of the welcome mail, because the text templates were rendered with HTML
autoescaping. The text part now shows what was typed; the HTML part still escapes
every value, so no name, street or product turns into markup.
"""

from __future__ import annotations

import pytest
from django.core import mail as django_mail

from accounts.models import User
from accounts.services import email_verification_send
from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from core.testing import run_tasks
from mail.models import MailKind, OutboxMessage
from orders.models import PaymentMethod
from orders.services import Delivery, order_place

pytestmark = pytest.mark.django_db

REGISTER = "/llogaria/regjistrohu/"
NAME = 'O\'Brien & "Co"'
NAME_ESCAPED = "O&#x27;Brien &amp; &quot;Co&quot;"
STREET = 'Rr. "O\'Brien & Co", Nr. 7'
STREET_ESCAPED = "Rr. &quot;O&#x27;Brien &amp; Co&quot;, Nr. 7"
PRODUCT = 'Televizor 55" Smart & 4K'
PRODUCT_ESCAPED = "Televizor 55&quot; Smart &amp; 4K"
ENTITIES = ("&#x27;", "&#39;", "&quot;", "&amp;", "&lt;", "&gt;")
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"


def _register(client, first_name: str) -> User:  # type: ignore[no-untyped-def]
    response = client.post(
        REGISTER,
        {
            "first_name": first_name,
            "last_name": "Hoxha",
            "email": "obrien@example.al",
            "phone": "069 123 4567",
            "password1": "Mali-i-Dajtit-1611",
            "password2": "Mali-i-Dajtit-1611",
            "accept_terms": "on",
            "terms_version": "1",
            "privacy_version": "1",
        },
    )
    assert response.status_code == 302
    return User.objects.get()


def _order_mail(*, first_name: str, street: str, product_name: str) -> OutboxMessage:
    customer = UserFactory(first_name=first_name)
    product = ProductFactory(stock=3, name_sq=product_name)
    order_place(
        customer=customer,
        quantities={product.pk: 1},
        delivery=Delivery(
            name=customer.get_full_name(),
            phone_e164=customer.phone,
            municipality="tirane",
            street=street,
            notes="",
        ),
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        language="sq",
        actor=customer,
    )
    return OutboxMessage.objects.get(kind=MailKind.ORDER_CONFIRMATION)


def _no_entities(text: str) -> None:
    for entity in ENTITIES:
        assert entity not in text, f"{entity} in the text part:\n{text}"


@pytest.mark.parametrize("kind", [MailKind.WELCOME, MailKind.EMAIL_VERIFICATION])
def test_p8_text_mail_is_plain_text_in_account_mails(client, kind):
    _register(client, NAME)

    message = OutboxMessage.objects.get(kind=kind)

    assert f"Përshëndetje {NAME}," in message.body_text
    _no_entities(message.body_text + message.subject)
    assert f"Përshëndetje {NAME_ESCAPED}," in message.body_html
    assert NAME not in message.body_html


def test_p8_text_mail_is_plain_text_in_the_order_confirmation():
    message = _order_mail(first_name=NAME, street=STREET, product_name=PRODUCT)

    assert f"Përshëndetje {NAME}," in message.body_text
    assert f"Dorëzimi: {STREET}, Tiranë" in message.body_text
    assert f"× {PRODUCT} (" in message.body_text
    _no_entities(message.body_text + message.subject)
    assert NAME_ESCAPED in message.body_html
    assert STREET_ESCAPED in message.body_html
    assert PRODUCT_ESCAPED in message.body_html
    for raw in (NAME, STREET, PRODUCT):
        assert raw not in message.body_html


def test_p8_text_mail_keeps_the_apostrophes_of_its_own_sentences(client):
    _register(client, "Arta")

    welcome = OutboxMessage.objects.get(kind=MailKind.WELCOME)

    assert "Do t'ju dërgojmë edhe një email të veçantë" in welcome.body_text
    _no_entities(welcome.body_text)


def test_p8_no_markup_in_a_name_or_street_reaches_the_html_part():
    message = _order_mail(first_name=SCRIPT, street=IMAGE, product_name=f"TV {SCRIPT}")

    html = message.body_html
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    # the text part is shown as text by every mail client: what was typed, as typed
    assert f"Përshëndetje {SCRIPT}," in message.body_text


def test_p8_the_delivered_mail_carries_the_two_parts_as_rendered():
    user = UserFactory(first_name=NAME, email_verified_at=None)
    email_verification_send(user=user)

    run_tasks()

    [sent] = django_mail.outbox
    assert f"Përshëndetje {NAME}," in sent.body
    [(html, mimetype)] = sent.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert f"Përshëndetje {NAME_ESCAPED}," in str(html)
