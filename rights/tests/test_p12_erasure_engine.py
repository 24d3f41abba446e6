"""The erasure engine (P12): what the registry says is erased, anonymised, kept or held."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import AddressFactory, UserFactory
from catalog.models import Product
from catalog.tests.factories import ProductFactory
from consent.models import DecisionAction, DecisionChannel
from consent.services import consent_decide
from mail.models import OutboxMessage
from orders.models import Order, OrderStatus
from orders.services import order_change_status
from orders.tests.factories import place_order
from privacy.audit import audit_verify
from privacy.models import AccessAction, AccessEntry
from rights.erasure.engine import (
    ERASED_MAIL_DOMAIN,
    ErasureCause,
    Outcome,
    StaffAccountErasure,
    erase_people,
)
from rights.models import ErasedSubject, HoldKind, LegalHold
from subscriptions.models import Subscriber, Suppression, Topic
from subscriptions.services import subscriber_for_user, subscription_change
from support.models import CaseChannel, CaseStatus, SupportCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def product() -> Product:
    return ProductFactory(stock=10, price=30_000)


@pytest.fixture
def shopper(product: Product) -> User:
    """A customer with an address, a delivered order, a subscription, cookies and a closed case."""
    user = UserFactory(first_name="Mirela", last_name="Gjoka", phone="+355691234567")
    AddressFactory(user=user, street="Rr. Durrësit 44")
    delivered = place_order(customer=user, quantities={product.pk: 2})
    for status in (OrderStatus.CONFIRMED, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED):
        order_change_status(order=delivered, to_status=status, actor=None)
    from subscriptions.models import Channel

    subscription_change(
        subscriber=subscriber_for_user(user),
        topics={Topic.OFFERS: True},
        channel=Channel.ACCOUNT,
        actor=user,
    )
    consent_decide(
        previous=None,
        analytics=True,
        personalisation=False,
        action=DecisionAction.CHOOSE,
        channel=DecisionChannel.FORM,
        user=user,
        user_agent="Mozilla/5.0",
    )
    SupportCase.objects.create(
        customer=user,
        channel=CaseChannel.PHONE,
        summary="Pyet për garancinë",
        customer_message="Jam Mirela, numri im është 069 123 4567",
        status=CaseStatus.CLOSED,
        opened_at=timezone.now(),
        closed_at=timezone.now(),
    )
    return user


def _outcomes(report: list[dict[str, object]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in report:
        found.setdefault(str(row["field"]), set()).add(str(row["outcome"]))
    return found


def test_p12_erasure_anonymises_the_account_and_orders_and_deletes_the_rest(
    shopper: User, product: Product
) -> None:
    # given
    order = shopper.orders.get()
    total, stock = order.total, Product.objects.get(pk=product.pk).stock
    # when
    result = erase_people([shopper.pk], cause=ErasureCause.REQUEST)
    # then
    user = User.objects.get(pk=shopper.pk)
    pseudonym = result.pseudonyms[shopper.pk]
    assert user.first_name == user.last_name == pseudonym
    assert user.email == f"{pseudonym.lower()}@{ERASED_MAIL_DOMAIN}"
    assert user.phone == "" and user.phone_index == ""
    assert not user.is_active and not user.has_usable_password()
    assert not User.objects.with_email("mirela.gjoka@example.al").exists()
    order = Order.objects.get(pk=order.pk)
    assert order.delivery_name == pseudonym
    assert (order.delivery_phone, order.delivery_street, order.delivery_notes) == ("", "", "")
    assert order.delivery_municipality == "tirane"
    assert order.total == total and order.lines.count() == 1
    assert Product.objects.get(pk=product.pk).stock == stock
    assert not user.addresses.exists()
    assert not SupportCase.objects.filter(customer=user).exists()
    assert not OutboxMessage.objects.filter(recipient=user).exists()
    assert not Subscriber.objects.filter(user=user).exists()
    assert Suppression.objects.count() == 1
    decision = user.consent_decisions.get()
    assert decision.user_agent_hash == "" and len(decision.consent_id) == 32
    assert ErasedSubject.objects.get(user=user).pseudonym == pseudonym
    outcomes = _outcomes(result.reports[shopper.pk])
    assert outcomes["accounts.User.first_name"] == {Outcome.ANONYMISED}
    assert outcomes["accounts.Address.street"] == {Outcome.ERASED}
    assert outcomes["orders.Order.delivery_municipality"] == {Outcome.KEPT}
    assert audit_verify().intact
    erased = AccessEntry.objects.get(subject_id=user.pk, action=AccessAction.ERASE)
    assert "accounts.User.email" in erased.field_names and erased.reference == pseudonym


def test_p12_erasure_ends_every_session_of_the_person(client, shopper: User) -> None:
    client.force_login(shopper)
    assert Session.objects.count() == 1

    erase_people([shopper.pk], cause=ErasureCause.REQUEST)

    assert Session.objects.count() == 0
    assert client.get("/llogaria/").status_code == 302


def test_p12_an_order_in_flight_is_held_automatically_and_kept_whole(
    shopper: User, product: Product
) -> None:
    in_flight = place_order(customer=shopper, quantities={product.pk: 1})

    result = erase_people([shopper.pk], cause=ErasureCause.REQUEST)

    hold = LegalHold.objects.get(order=in_flight)
    assert hold.automatic and hold.kind == HoldKind.UNPAID_ORDER and hold.is_active
    kept = Order.objects.get(pk=in_flight.pk)
    assert kept.delivery_name == "Mirela Gjoka" and kept.delivery_street == "Rr. Myslym Shyri 10"
    held = [row for row in result.reports[shopper.pk] if row["outcome"] == Outcome.HELD]
    assert {row["field"] for row in held} >= {"orders.Order.delivery_name"}
    assert all(row["hold"] == hold.pk for row in held)
    assert result.held(shopper.pk)


def test_p12_erasing_again_keeps_the_pseudonym_and_erases_what_was_released(
    shopper: User, product: Product
) -> None:
    in_flight = place_order(customer=shopper, quantities={product.pk: 1})
    first = erase_people([shopper.pk], cause=ErasureCause.REQUEST)
    LegalHold.objects.filter(order=in_flight).update(lifted_at=timezone.now())
    order_change_status(order=in_flight, to_status=OrderStatus.CANCELLED, actor=None)

    second = erase_people([shopper.pk], cause=ErasureCause.REQUEST)

    assert second.pseudonyms == first.pseudonyms
    assert Order.objects.get(pk=in_flight.pk).delivery_name == first.pseudonyms[shopper.pk]
    assert not second.held(shopper.pk)
    assert audit_verify().intact


def test_p12_the_engine_refuses_a_staff_account() -> None:
    staff = UserFactory(is_staff=True)
    with pytest.raises(StaffAccountErasure):
        erase_people([staff.pk], cause=ErasureCause.REQUEST)
    assert User.objects.get(pk=staff.pk).is_active


def test_p12_erasing_many_people_leaves_others_untouched(shopper: User) -> None:
    bystander = UserFactory(first_name="Arta")
    AddressFactory(user=bystander)

    erase_people([shopper.pk], cause=ErasureCause.RETENTION)

    bystander = User.objects.get(pk=bystander.pk)
    assert bystander.first_name == "Arta" and bystander.is_active
    assert bystander.addresses.count() == 1


@pytest.mark.postgres
def test_p12_erasing_many_people_passes_the_access_record_guards_on_postgresql() -> None:
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("database triggers are PostgreSQL's")
    people = [UserFactory() for _ in range(3)]
    with transaction.atomic(), connection.cursor() as cursor:
        # The application's sessions do not declare maintenance; the test runner's do.
        cursor.execute("SET LOCAL fejzo.maintenance = 'off'")
        erase_people([person.pk for person in people], cause=ErasureCause.RETENTION)
    assert ErasedSubject.objects.count() == 3
    assert audit_verify().intact


def test_p12_a_footer_sign_up_with_the_address_goes_and_stays_suppressed() -> None:
    from campaigns.services import audience
    from mail.models import MailKind
    from subscriptions.services import address_index, footer_subscribe, subscription_confirm
    from subscriptions.tokens import confirmation_token

    customer = UserFactory(email="mirela.gjoka@example.al")
    footer_subscribe(email=customer.email, topics=[Topic.OFFERS], language="sq")
    visitor_row = Subscriber.objects.get(email_index=address_index(customer.email))
    subscription_confirm(token=confirmation_token(visitor_row.public_id))
    assert visitor_row.user_id is None

    erase_people([customer.pk], cause=ErasureCause.REQUEST)

    assert not Subscriber.objects.filter(pk=visitor_row.pk).exists()
    assert not audience(Topic.OFFERS).exists()
    assert Suppression.objects.filter(address_index=address_index(customer.email)).exists()
    assert not OutboxMessage.objects.filter(kind=MailKind.SUBSCRIPTION_CONFIRM).exists()


def test_p12_sign_in_records_under_the_address_go(client) -> None:
    from axes.models import AccessAttempt

    from accounts.axes import username_blind_index

    customer = UserFactory(email="arben.krasniqi@example.al")
    for attempt in range(2):
        client.post(
            "/llogaria/hyr/",
            {"username": customer.email, "password": f"gabim-{attempt}"},
            REMOTE_ADDR="198.51.100.7",
        )
    index = username_blind_index(None, {"username": customer.email})
    assert AccessAttempt.objects.filter(username=index).exists()

    erase_people([customer.pk], cause=ErasureCause.REQUEST)

    assert not AccessAttempt.objects.filter(username=index).exists()


def test_p12_nothing_is_written_about_a_person_after_their_erasure(
    shopper: User, product: Product
) -> None:
    from orders.services import OrderError

    stale = User.objects.get(pk=shopper.pk)  # as a request loaded before the erasure
    erase_people([shopper.pk], cause=ErasureCause.REQUEST)

    with pytest.raises(OrderError):
        place_order(customer=stale, quantities={product.pk: 1})
    assert Order.objects.filter(customer=shopper).count() == 1


def test_p12_a_held_order_of_an_erased_person_sends_no_mail_to_nobody(
    shopper: User, product: Product
) -> None:
    in_flight = place_order(customer=shopper, quantities={product.pk: 1})
    erase_people([shopper.pk], cause=ErasureCause.REQUEST)
    mails_before = OutboxMessage.objects.count()

    order_change_status(order=in_flight, to_status=OrderStatus.CONFIRMED, actor=None)

    assert OutboxMessage.objects.count() == mails_before


def test_p12_the_open_work_apps_register_names_real_holds(monkeypatch) -> None:
    import dataclasses

    from privacy import erasure_steps
    from rights.checks import check_open_work_names_a_hold

    assert check_open_work_names_a_hold() == []
    wrong = dataclasses.replace(erasure_steps.OPEN_WORK[0], hold_kind="unpaid")
    monkeypatch.setattr(erasure_steps, "OPEN_WORK", [wrong])
    monkeypatch.setattr("rights.checks.OPEN_WORK", [wrong])

    assert [error.id for error in check_open_work_names_a_hold()] == ["rights.E002"]
