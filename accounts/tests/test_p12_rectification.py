"""P12: customers correct their own data; an email change is proven by the new mailbox.

Corrections to name, phone and addresses also reach the orders the courier has not
taken yet, and only where the order still holds the old value.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailChange, User
from accounts.tests.factories import AddressFactory, UnverifiedUserFactory, UserFactory
from catalog.tests.factories import ProductFactory
from conftest import TEST_PASSWORD
from mail.models import MailKind, OutboxMessage
from orders.models import Order, OrderStatus, PaymentMethod
from orders.services import Delivery, order_place
from privacy.models import AccessEntry
from subscriptions.models import Subscriber
from subscriptions.services import address_index, subscriber_for_user

pytestmark = pytest.mark.django_db

EMAIL_CHANGE = "/llogaria/email/ndrysho/"
LOGIN = "/llogaria/hyr/"
NEW_EMAIL = "arta.e.re@example.al"
CONFIRM_LINK = re.compile(r"https?://[^\s\"<]+/llogaria/email/konfirmo/([A-Za-z0-9_-]+)/")


def _ask(client, email: str = NEW_EMAIL, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(EMAIL_CHANGE, {"new_email": email, "password": password})


def _mails(kind: MailKind) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind).order_by("created_at"))


def _link_in_outbox() -> str:
    """Return the path of the confirmation link in the latest confirmation mail."""
    message = _mails(MailKind.EMAIL_CHANGE_CONFIRM)[-1]
    match = CONFIRM_LINK.search(message.body_text)
    assert match is not None, message.body_text
    assert match.group(0) in message.body_html
    return reverse("accounts:email_change_confirm", args=[match.group(1)])


def _signs_in(client, email: str) -> bool:  # type: ignore[no-untyped-def]
    client.logout()
    client.post(LOGIN, {"username": email, "password": TEST_PASSWORD})
    return "_auth_user_id" in client.session


def _email_of(user: User) -> str:
    return User.objects.get(pk=user.pk).email


# Email change


def test_p12_email_change_happy_path(customer_client, customer):
    old_email = customer.email

    # when the customer asks for a new address with their password
    response = _ask(customer_client, email="  Arta.E.Re@Example.AL ")

    # then the account is unchanged, the new address gets a link, the old one a notice
    assert response.status_code == 302
    assert _email_of(customer) == old_email
    [confirm] = _mails(MailKind.EMAIL_CHANGE_CONFIRM)
    assert confirm.to_address == NEW_EMAIL
    [notice] = _mails(MailKind.EMAIL_CHANGE_NOTICE)
    assert notice.to_address == old_email
    assert "a***@e***.al" in notice.body_text
    assert NEW_EMAIL not in notice.body_text + notice.body_html + notice.subject
    assert "/konfirmo/" not in notice.body_text + notice.body_html
    assert "info@3vfejzo.al" in notice.body_text
    path = _link_in_outbox()
    # the link carries a random token only: no address, and the token is not stored
    assert "@" not in path and "example" not in path
    token = path.rstrip("/").rsplit("/", 1)[-1]
    change = EmailChange.objects.get(user=customer)
    assert token not in change.token_hash
    assert customer_client.get(reverse("accounts:profile")).content.decode().count(NEW_EMAIL)

    # when the link is opened and the button pressed
    page = customer_client.get(path)
    assert page.status_code == 200
    assert NEW_EMAIL in page.content.decode()
    assert _email_of(customer) == old_email
    done = customer_client.post(path, follow=True)

    # then the new address is the account's, verified, and the old one is told
    assert done.status_code == 200
    assert "Email-i i llogarisë u ndryshua" in done.content.decode()
    customer.refresh_from_db()
    assert customer.email == NEW_EMAIL
    assert customer.email_verified
    notices = _mails(MailKind.EMAIL_CHANGE_NOTICE)
    assert len(notices) == 2
    assert notices[-1].to_address == old_email
    assert "u ndryshua" in notices[-1].subject
    assert NEW_EMAIL not in notices[-1].body_text
    assert AccessEntry.objects.filter(
        subject_id=customer.pk, fields__contains="accounts.User.email"
    ).exists()

    # and signing in works with the new address, not with the old one
    assert _signs_in(Client(), NEW_EMAIL)
    assert not _signs_in(Client(), old_email)

    # and the link is spent
    assert customer_client.post(path).status_code == 400


def test_p12_email_change_get_changes_nothing(customer_client, customer):
    old_email = customer.email
    _ask(customer_client)
    path = _link_in_outbox()

    # when a mail scanner, signed out, follows the link
    for _visit in range(3):
        response = Client().get(path)
        assert response.status_code == 200

    # then nothing changed, and the page shows the address only masked
    html = response.content.decode()
    assert NEW_EMAIL not in html
    assert "a***@e***.al" in html
    assert "no-cache" in response["Cache-Control"]
    assert _email_of(customer) == old_email
    assert EmailChange.objects.get(user=customer).confirmed_at is None
    assert len(_mails(MailKind.EMAIL_CHANGE_NOTICE)) == 1


def test_p12_email_change_link_works_signed_out_and_reveals_nothing(customer_client, customer):
    _ask(customer_client)
    path = _link_in_outbox()
    anonymous = Client()

    response = anonymous.post(path)

    assert response.status_code == 200
    assert NEW_EMAIL not in response.content.decode()
    assert "a***@e***.al" in response.content.decode()
    assert _email_of(customer) == NEW_EMAIL
    assert "_auth_user_id" not in anonymous.session


def test_p12_email_change_link_expires(customer_client, customer, settings):
    old_email = customer.email
    _ask(customer_client)
    path = _link_in_outbox()
    EmailChange.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT + 1)
    )

    page = customer_client.get(path)
    response = customer_client.post(path)

    assert page.status_code == response.status_code == 400
    assert "ka skaduar" in response.content.decode()
    assert _email_of(customer) == old_email
    assert len(_mails(MailKind.EMAIL_CHANGE_NOTICE)) == 1


def test_p12_email_change_wrong_password_changes_and_sends_nothing(customer_client, customer):
    response = _ask(customer_client, password="jo-ky-fjalekalim-99")

    assert response.status_code == 200
    assert "Fjalëkalimi nuk është i saktë" in " ".join(response.context["form"].errors["password"])
    assert not EmailChange.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_p12_email_change_to_the_same_address_is_a_friendly_no(customer_client, customer):
    response = _ask(customer_client, email=customer.email.upper())

    assert response.status_code == 200
    assert "tashmë adresa e llogarisë suaj" in " ".join(
        response.context["form"].errors["new_email"]
    )
    assert not EmailChange.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_p12_email_change_to_another_accounts_address_is_refused_at_the_link(
    customer_client, customer, other_customer
):
    old_email, theirs = customer.email, other_customer.email

    # when the customer asks for an address another account has
    response = _ask(customer_client, email=theirs)

    # then the answer is the same as for a free address: nothing tells them it is taken
    assert response.status_code == 302
    assert [m.to_address for m in _mails(MailKind.EMAIL_CHANGE_CONFIRM)] == [theirs]
    # and the mailbox's owner, using the link, is told why nothing changed
    path = _link_in_outbox()
    refused = Client().post(path)
    assert refused.status_code == 400
    assert "llogarie tjetër" in refused.content.decode()
    assert _email_of(customer) == old_email
    assert _email_of(other_customer) == theirs
    assert len(_mails(MailKind.EMAIL_CHANGE_NOTICE)) == 1


def test_p12_email_change_answer_is_the_same_for_a_taken_address(customer_client, other_customer):
    free = _ask(customer_client, email="e-lire@example.al")
    taken = _ask(customer_client, email=other_customer.email)

    assert (free.status_code, free["Location"]) == (taken.status_code, taken["Location"])


def test_p12_email_change_another_customers_token_is_no_key_to_your_account(
    client, customer, other_customer
):
    # given the customer asked for a change
    client.force_login(customer)
    _ask(client)
    path = _link_in_outbox()

    # when another customer, signed in, opens the link
    client.force_login(other_customer)
    theirs = other_customer.email
    page = client.get(path)

    # then they do not see the address in full
    assert NEW_EMAIL not in page.content.decode()
    # and pressing the button changes only the account the token belongs to
    client.post(path)
    assert _email_of(other_customer) == theirs
    assert _email_of(customer) == NEW_EMAIL


@pytest.mark.parametrize("token", ["forged-token", "A" * 43, "x" * 500, "%00", "..%2F..%2Fetc"])
def test_p12_email_change_forged_token_is_refused(customer_client, customer, token):
    old_email = customer.email
    _ask(customer_client)

    url = f"/llogaria/email/konfirmo/{token}/"
    page, response = customer_client.get(url), customer_client.post(url)

    assert page.status_code in (400, 404)
    assert response.status_code in (400, 404)
    assert _email_of(customer) == old_email
    assert EmailChange.objects.get().confirmed_at is None


def test_p12_email_change_token_hash_cannot_be_used_as_a_token(customer_client, customer):
    old_email = customer.email
    _ask(customer_client)
    stored = EmailChange.objects.get().token_hash

    response = customer_client.post(reverse("accounts:email_change_confirm", args=[stored]))

    assert response.status_code == 400
    assert _email_of(customer) == old_email


def test_p12_email_change_newer_request_replaces_older(customer_client, customer):
    _ask(customer_client, email="e-para@example.al")
    first = _link_in_outbox()
    _ask(customer_client, email="e-dyta@example.al")
    second = _link_in_outbox()

    assert customer_client.post(first).status_code == 400
    assert _email_of(customer) != "e-para@example.al"
    customer_client.post(second)
    assert _email_of(customer) == "e-dyta@example.al"
    assert EmailChange.objects.count() == 1


def test_p12_email_change_password_change_voids_the_link(customer_client, customer):
    # given someone who knew the password asked for a change
    _ask(customer_client)
    path = _link_in_outbox()

    # when the owner, warned by the notice, changes the password
    customer.set_password("nje-fjalekalim-i-ri-77")
    customer.save(update_fields=["password"])

    # then the link no longer changes the address
    assert customer_client.get(path).status_code == 400
    assert customer_client.post(path).status_code == 400
    assert _email_of(customer) != NEW_EMAIL


def test_p12_email_change_voids_reset_links_mailed_to_the_old_address(customer_client, customer):
    reset_token = default_token_generator.make_token(customer)
    _ask(customer_client)

    customer_client.post(_link_in_outbox())

    customer.refresh_from_db()
    assert not default_token_generator.check_token(customer, reset_token)


def test_p12_email_change_from_unverified_address_tells_only_the_new_mailbox(client):
    # given an account registered with a mistyped address, never verified
    user = UnverifiedUserFactory(email="arta@gmial.com")
    client.force_login(user)

    _ask(client)

    # then the unproven address is not mailed, and confirming verifies the new one
    assert not _mails(MailKind.EMAIL_CHANGE_NOTICE)
    client.post(_link_in_outbox())
    user.refresh_from_db()
    assert (user.email, user.email_verified) == (NEW_EMAIL, True)
    assert not _mails(MailKind.EMAIL_CHANGE_NOTICE)


def test_p12_email_change_moves_the_subscription_to_the_new_address(customer_client, customer):
    subscriber = subscriber_for_user(customer)
    _ask(customer_client)

    customer_client.post(_link_in_outbox())

    subscriber.refresh_from_db()
    assert subscriber.email == NEW_EMAIL
    assert subscriber.email_index == address_index(NEW_EMAIL)


def test_p12_email_change_creates_no_subscription(customer_client, customer):
    _ask(customer_client)

    customer_client.post(_link_in_outbox())

    assert not Subscriber.objects.exists()


def test_p12_email_change_requires_sign_in(client):
    response = client.post(EMAIL_CHANGE, {"new_email": NEW_EMAIL, "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert "/llogaria/hyr/" in response["Location"]
    assert not OutboxMessage.objects.exists()


# Corrections reach unshipped orders


@pytest.fixture
def product(db):  # type: ignore[no-untyped-def]
    return ProductFactory(stock=50, price=9_990)


def _order(customer, product, *, status=OrderStatus.PLACED, **delivery):  # type: ignore[no-untyped-def]
    details = {
        "name": customer.get_full_name(),
        "phone_e164": customer.phone,
        "municipality": "tirane",
        "street": "Rr. Myslym Shyri 10",
        "notes": "",
        **delivery,
    }
    order = order_place(
        customer=customer,
        quantities={product.pk: 1},
        delivery=Delivery(**details),
        payment_method=PaymentMethod.CASH_ON_DELIVERY,
        language="sq",
        actor=customer,
    )
    Order.objects.filter(pk=order.pk).update(status=status)
    return Order.objects.get(pk=order.pk)


def _delivery(order: Order) -> tuple[str, str, str, str, str]:
    order = Order.objects.get(pk=order.pk)
    return (
        order.delivery_name,
        order.delivery_phone,
        order.delivery_municipality,
        order.delivery_street,
        order.delivery_notes,
    )


def test_p12_name_and_phone_correction_reaches_unshipped_orders_only(
    customer_client, customer, product
):
    # given orders at every stage, and one placed with another phone
    customer.first_name, customer.last_name, customer.phone = "Arta", "Hoxha", "+355691111111"
    customer.save()
    placed = _order(customer, product)
    confirmed = _order(customer, product, status=OrderStatus.CONFIRMED)
    on_the_road = _order(customer, product, status=OrderStatus.OUT_FOR_DELIVERY)
    delivered = _order(customer, product, status=OrderStatus.DELIVERED)
    cancelled = _order(customer, product, status=OrderStatus.CANCELLED)
    other_phone = _order(customer, product, phone_e164="+355682222222")
    untouched = {order.pk: _delivery(order) for order in (on_the_road, delivered, cancelled)}
    recorded_before = AccessEntry.objects.order_by("-id").values_list("id", flat=True)[0]

    # when the customer corrects their name and phone
    response = customer_client.post(
        reverse("accounts:profile"),
        {"first_name": "Arta", "last_name": "Krasniqi", "phone": "069 333 3333", "language": "sq"},
        follow=True,
    )

    # then the unshipped orders follow
    for order in (placed, confirmed):
        assert _delivery(order)[:2] == ("Arta Krasniqi", "+355693333333")
    # the order given another phone keeps it, and takes only the name
    assert _delivery(other_phone)[:2] == ("Arta Krasniqi", "+355682222222")
    # orders with the courier, delivered or cancelled are as they were
    assert {pk: _delivery(Order(pk=pk)) for pk in untouched} == untouched
    assert "U përditësuan edhe 3 porosi që nuk janë nisur ende." in response.content.decode()
    # and each changed order is in the access record, by number and field names
    recorded = {
        entry.reference: set(entry.field_names)
        for entry in AccessEntry.objects.filter(id__gt=recorded_before, action="change")
        if entry.reference
    }
    assert recorded == {
        placed.number: {"orders.Order.delivery_name", "orders.Order.delivery_phone"},
        confirmed.number: {"orders.Order.delivery_name", "orders.Order.delivery_phone"},
        other_phone.number: {"orders.Order.delivery_name"},
    }


def test_p12_phone_correction_skips_an_order_with_a_different_phone(
    customer_client, customer, product
):
    other_phone = _order(customer, product, phone_e164="+355682222222")
    before = _delivery(other_phone)

    response = customer_client.post(
        reverse("accounts:profile"),
        {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "phone": "069 333 3333",
            "language": "sq",
        },
        follow=True,
    )

    assert _delivery(other_phone) == before
    assert "Të dhënat u ruajtën." in response.content.decode()
    assert "nisur ende" not in response.content.decode()


def test_p12_address_correction_reaches_unshipped_orders_only(customer_client, customer, product):
    # given an address in the book and orders delivered to it at every stage
    address = AddressFactory(
        user=customer, municipality="tirane", street="Rr. Myslym Shyri 10", courier_notes="Kati 3"
    )
    placed = _order(customer, product, notes="Kati 3")
    confirmed = _order(customer, product, status=OrderStatus.CONFIRMED, notes="Thirrni para")
    on_the_road = _order(customer, product, status=OrderStatus.OUT_FOR_DELIVERY, notes="Kati 3")
    delivered = _order(customer, product, status=OrderStatus.DELIVERED, notes="Kati 3")
    elsewhere = _order(customer, product, municipality="durres", street="Rr. Myslym Shyri 10")
    untouched = {o.pk: _delivery(o) for o in (on_the_road, delivered, elsewhere)}

    # when the customer corrects the address
    response = customer_client.post(
        reverse("accounts:address_edit", args=[address.pk]),
        {"municipality": "tirane", "street": "Rr. Myslym Shyri 12", "courier_notes": "Kati 4"},
        follow=True,
    )

    # then the unshipped orders to it follow; notes typed at checkout stay
    assert _delivery(placed)[2:] == ("tirane", "Rr. Myslym Shyri 12", "Kati 4")
    assert _delivery(confirmed)[2:] == ("tirane", "Rr. Myslym Shyri 12", "Thirrni para")
    assert {pk: _delivery(Order(pk=pk)) for pk in untouched} == untouched
    assert "U përditësuan edhe 2 porosi që nuk janë nisur ende." in response.content.decode()


def test_p12_address_correction_message_speaks_of_one_order(customer_client, customer, product):
    address = AddressFactory(user=customer, municipality="tirane", street="Rr. Myslym Shyri 10")
    _order(customer, product)

    response = customer_client.post(
        reverse("accounts:address_edit", args=[address.pk]),
        {"municipality": "vlore", "street": "Lungomare 1", "courier_notes": ""},
        follow=True,
    )

    assert "U përditësua edhe 1 porosi që nuk është nisur ende." in response.content.decode()


def test_p12_a_new_address_corrects_no_order(customer_client, customer, product):
    order = _order(customer, product)
    before = _delivery(order)

    customer_client.post(
        reverse("accounts:address_add"),
        {"municipality": "vlore", "street": "Lungomare 1", "courier_notes": ""},
    )

    assert _delivery(order) == before


def test_p12_correction_never_reaches_another_customers_orders(
    customer_client, customer, other_customer, product
):
    # given another customer whose order happens to hold the same name and phone
    other_customer.first_name, other_customer.last_name = customer.first_name, customer.last_name
    other_customer.phone = customer.phone
    other_customer.save()
    theirs = _order(other_customer, product)
    before = _delivery(theirs)

    customer_client.post(
        reverse("accounts:profile"),
        {"first_name": "Drita", "last_name": "Leka", "phone": "069 333 3333", "language": "sq"},
    )

    assert _delivery(theirs) == before


def test_p12_pending_email_change_goes_with_the_account():
    user = UserFactory()
    EmailChange.objects.create(
        user=user, new_email=NEW_EMAIL, token_hash="0" * 64, password_state="x"
    )
    user.delete()
    assert not EmailChange.objects.exists()


# Races (need real row locks)


def _at_once(*calls):  # type: ignore[no-untyped-def]
    """Run the calls in threads released together; return what each returned or raised."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = []

    def run(call) -> None:  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            outcomes.append(call())
        except Exception as error:  # noqa: BLE001 - the test inspects what was raised
            outcomes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _token_mailed() -> str:
    """Return the token in the latest confirmation mail."""
    return _link_in_outbox().rstrip("/").rsplit("/", 1)[-1]


@pytest.mark.django_db(transaction=True)
def test_p12_email_change_two_accounts_racing_for_one_address_get_one_each():
    from django.db import connection

    from accounts.services import EmailAddressTaken, email_change_confirm, email_change_request

    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions are tested on PostgreSQL (CI runs it).")
    first, second = UserFactory.create_batch(2)
    tokens = []
    for user in (first, second):
        email_change_request(user=user, new_email=NEW_EMAIL, password=TEST_PASSWORD)
        tokens.append(_token_mailed())

    outcomes = _at_once(*(lambda t=token: email_change_confirm(token=t) for token in tokens))

    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        EmailAddressTaken.__name__,
        User.__name__,
    ]
    assert User.objects.with_email(NEW_EMAIL).count() == 1


@pytest.mark.django_db(transaction=True)
def test_p12_email_change_link_pressed_twice_at_once_changes_and_tells_once(customer):
    from django.db import connection

    from accounts.services import EmailChangeLinkInvalid, email_change_confirm, email_change_request

    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions are tested on PostgreSQL (CI runs it).")
    email_change_request(user=customer, new_email=NEW_EMAIL, password=TEST_PASSWORD)
    token = _token_mailed()

    outcomes = _at_once(*(lambda: email_change_confirm(token=token) for _ in range(2)))

    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        EmailChangeLinkInvalid.__name__,
        User.__name__,
    ]
    assert _email_of(customer) == NEW_EMAIL
    assert len(_mails(MailKind.EMAIL_CHANGE_NOTICE)) == 2
