"""P8: marketing topics at registration, unticked, and on the account page."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UnverifiedUserFactory, UserFactory
from mail.models import MailKind, OutboxMessage
from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    SubscriptionEvent,
    Suppression,
    Topic,
)
from subscriptions.services import audience_filter, is_suppressed, unsubscribe_all
from subscriptions.tests.factories import ConfirmedSubscriberFactory, SubscriberFactory

pytestmark = pytest.mark.django_db

REGISTER = "/llogaria/regjistrohu/"
PROFILE = "/llogaria/"


def _form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "first_name": "Arta",
        "last_name": "Hoxha",
        "email": "arta.hoxha@example.al",
        "phone": "069 123 4567",
        "password1": "Mali-i-Dajtit-1611",
        "password2": "Mali-i-Dajtit-1611",
        "accept_terms": "on",
        "terms_version": "1",
        "privacy_version": "1",
    }
    data.update(overrides)
    return data


def _active(user: User) -> set[str]:
    return set(
        Subscription.objects.filter(subscriber__user=user, active=True).values_list(
            "topic", flat=True
        )
    )


def _audience(topic: Topic) -> set[int]:
    return set(Subscriber.objects.filter(audience_filter(topic)).values_list("pk", flat=True))


def test_p8_registration_offers_one_unticked_box_per_topic(client):
    html = client.get(REGISTER).content.decode()
    boxes = re.findall(r'<input type="checkbox" name="topics"[^>]*>', html)
    assert len(boxes) == len(Topic)
    assert not any("checked" in box for box in boxes)
    for topic in Topic:
        assert str(topic.label) in html
    assert "çregjistroheni kurdo" in html


def test_p8_registration_without_a_tick_subscribes_to_nothing(client):
    response = client.post(REGISTER, _form())
    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    # the welcome and verification mails are service mail: always sent (P8)
    kinds = set(OutboxMessage.objects.values_list("kind", flat=True))
    assert kinds == {MailKind.WELCOME, MailKind.EMAIL_VERIFICATION}


def test_p8_ticked_topics_are_recorded_and_reach_the_address_once_verified(client):
    response = client.post(REGISTER, _form(topics=[Topic.OFFERS, Topic.NOTICES]))
    assert response.status_code == 302
    user = User.objects.get()
    assert _active(user) == {Topic.OFFERS, Topic.NOTICES}
    events = SubscriptionEvent.objects.filter(subscriber__user=user)
    assert {(event.topic, event.channel, event.actor_id) for event in events} == {
        (Topic.OFFERS, Channel.REGISTRATION, user.pk),
        (Topic.NOTICES, Channel.REGISTRATION, user.pk),
    }
    subscriber = Subscriber.objects.get(user=user)
    # no marketing before the address is verified, and no confirmation mail either
    assert subscriber.pk not in _audience(Topic.OFFERS)
    assert not OutboxMessage.objects.filter(kind=MailKind.SUBSCRIPTION_CONFIRM).exists()
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    assert subscriber.pk in _audience(Topic.OFFERS)
    assert subscriber.pk not in _audience(Topic.NEWSLETTER)


def test_p8_an_unknown_topic_refuses_the_registration_and_creates_nothing(client):
    response = client.post(REGISTER, _form(topics=["spam"]))
    assert response.status_code == 200
    assert "topics" in response.context["form"].errors
    assert not User.objects.exists() and not Subscriber.objects.exists()


def test_p8_account_and_topics_are_one_transaction(client):
    with (
        mock.patch(
            "subscriptions.receivers.subscriptions_choose_at_registration",
            side_effect=RuntimeError("database gone"),
        ),
        pytest.raises(RuntimeError),
    ):
        client.post(REGISTER, _form(topics=[Topic.OFFERS]))
    assert not User.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_p8_outdated_policy_version_records_no_topics(client):
    client.post(REGISTER, _form(terms_version="99", topics=[Topic.OFFERS]))
    assert not User.objects.exists() and not Subscriber.objects.exists()


# The account page.


def test_p8_account_page_shows_and_changes_topics_with_history(customer_client, customer):
    html = customer_client.get(PROFILE).content.decode()
    assert "Email-et nga 3VFejzo" in html
    assert not re.search(r'name="topics"[^>]*checked', html)
    response = customer_client.post(PROFILE, {"form": "subscriptions", "topics": [Topic.OFFERS]})
    assert response.status_code == 302
    assert _active(customer) == {Topic.OFFERS}
    event = SubscriptionEvent.objects.get()
    assert (event.channel, event.actor) == (Channel.ACCOUNT, customer)
    html = customer_client.get(PROFILE).content.decode()
    assert re.search(r'value="offers"[^>]*checked', html)
    assert "Oferta dhe zbritje" in html and ">Llogaria<" in html
    # unticking is an unsubscribe, honoured at once
    customer_client.post(PROFILE, {"form": "subscriptions"})
    assert _active(customer) == set()


def test_p8_topics_form_leaves_the_profile_alone(customer_client, customer):
    before = (customer.first_name, customer.phone, customer.language)
    customer_client.post(
        PROFILE, {"form": "subscriptions", "topics": [Topic.NEWSLETTER], "first_name": "X"}
    )
    customer.refresh_from_db()
    assert (customer.first_name, customer.phone, customer.language) == before


def test_p8_profile_form_leaves_the_topics_alone(customer_client, customer):
    customer_client.post(PROFILE, {"form": "subscriptions", "topics": [Topic.NEWSLETTER]})
    customer_client.post(
        PROFILE,
        {"first_name": "Ana", "last_name": "Leka", "phone": "069 765 4321", "language": "sq"},
    )
    customer.refresh_from_db()
    assert customer.first_name == "Ana"
    assert _active(customer) == {Topic.NEWSLETTER}


def test_p8_account_page_shows_no_history_before_the_address_is_verified(client):
    # a visitor row with this address may be someone else's until the mailbox is proven
    user = UnverifiedUserFactory(email="besa@example.al")
    visitor = Subscriber.objects.create(
        email="besa@example.al", user=user, confirmed_at=timezone.now()
    )
    SubscriptionEvent.objects.create(
        subscriber=visitor, topic=Topic.OFFERS, action="subscribed", channel=Channel.FOOTER_FORM
    )
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Historiku shfaqet pasi të verifikoni" in html
    assert "Formulari në fund të faqes" not in html


def test_p8_a_strangers_footer_wish_for_this_address_is_not_shown_or_kept(
    customer_client, customer
):
    from subscriptions.services import footer_subscribe

    footer_subscribe(email=customer.email, topics=[Topic.OFFERS], language="sq")
    html = customer_client.get(PROFILE).content.decode()
    assert not re.search(r'name="topics"[^>]*checked', html)
    customer_client.post(PROFILE, {"form": "subscriptions", "topics": [Topic.NEWSLETTER]})
    assert _active(customer) == {Topic.NEWSLETTER}
    assert Subscriber.objects.count() == 1


def test_p8_saving_no_topics_keeps_no_row_for_the_address(customer_client, customer):
    customer_client.post(PROFILE, {"form": "subscriptions"})
    assert not Subscriber.objects.exists()


# An account that has not verified its address cannot take or change that address's
# subscription: anyone can register with anyone's address.

VERIFY_FIRST = "Verifikoni adresën e email-it që të zgjidhni email-et që merrni"


def _state() -> tuple[object, ...]:
    """Every subscription row, event and suppression, to assert that nothing changed."""
    return (
        sorted(Subscriber.objects.values_list("pk", "user_id", "confirmed_at"), key=str),
        sorted(Subscription.objects.values_list("subscriber_id", "topic", "active")),
        SubscriptionEvent.objects.count(),
        sorted(Suppression.objects.values_list("address_index", "reason")),
    )


def test_p8_registering_with_a_confirmed_visitors_address_leaves_their_subscription_alone(client):
    # given the mailbox owner's confirmed newsletter
    owner = ConfirmedSubscriberFactory(email="besa@example.al", topics=[Topic.NEWSLETTER])
    before = _state()
    # when a stranger registers with that address and ticks offers
    response = client.post(REGISTER, _form(email="besa@example.al", topics=[Topic.OFFERS]))
    # then the account exists, and the owner's subscription is as it was
    assert response.status_code == 302
    user = User.objects.get()
    assert _state() == before
    assert owner.pk in _audience(Topic.NEWSLETTER)
    assert not Subscriber.objects.filter(user=user).exists()


def test_p8_an_unverified_account_sees_no_topics_and_changes_none(client):
    # given the owner's confirmed row, unsubscribed from everything
    owner = ConfirmedSubscriberFactory(email="besa@example.al", topics=[Topic.OFFERS])
    unsubscribe_all(subscriber=owner, channel=Channel.PREFERENCE_PAGE, actor=None)
    user = UnverifiedUserFactory(email="besa@example.al")
    client.force_login(user)
    before = _state()
    # when the stranger opens the account page
    html = client.get(PROFILE).content.decode()
    # then it asks for verification and shows none of the owner's choices
    assert VERIFY_FIRST in html
    assert 'name="topics"' not in html
    assert "Historiku shfaqet pasi të verifikoni" in html
    # and a crafted post is refused and changes nothing, the suppression included
    response = client.post(PROFILE, {"form": "subscriptions", "topics": [Topic.OFFERS]})
    assert response.status_code == 403
    assert VERIFY_FIRST in response.content.decode()
    assert _state() == before
    assert is_suppressed("besa@example.al")


def test_p8_an_unverified_account_chooses_its_topics_once_verified(client):
    client.post(REGISTER, _form(topics=[Topic.OFFERS]))
    user = User.objects.get()
    client.force_login(user)  # registering signs nobody in: they sign in as they would
    html = client.get(PROFILE).content.decode()
    assert VERIFY_FIRST in html and 'name="topics"' not in html
    User.objects.filter(pk=user.pk).update(email_verified_at=timezone.now())
    html = client.get(PROFILE).content.decode()
    assert VERIFY_FIRST not in html
    assert re.search(r'value="offers"[^>]*checked', html)


def test_p8_registering_over_an_unconfirmed_footer_row_asks_the_mailbox(client):
    # given a footer sign-up nobody confirmed, then a registration with the address
    footer = SubscriberFactory(email="arta.hoxha@example.al", topics=[Topic.NEWSLETTER])
    response = client.post(REGISTER, _form(topics=[Topic.OFFERS]))
    assert response.status_code == 302
    # the ticks wait for the mailbox, as a footer sign-up does
    footer.refresh_from_db()
    assert footer.user is None
    assert OutboxMessage.objects.filter(kind=MailKind.SUBSCRIPTION_CONFIRM).count() == 1
    assert footer.pk not in _audience(Topic.OFFERS)


def test_p8_a_verified_account_whose_address_another_account_holds_changes_nothing(
    customer_client, customer
):
    # given another account's row that still has this customer's address
    other = UserFactory(email=customer.email.replace("@", ".vjeter@"))
    Subscriber.objects.create(user=other, email=customer.email)
    before = _state()
    # when the customer saves topics
    response = customer_client.post(
        PROFILE, {"form": "subscriptions", "topics": [Topic.OFFERS]}, follow=True
    )
    # then it is explained, not a server error, and nothing changed
    assert response.status_code == 200
    assert "Zgjedhja juaj nuk u ruajt" in response.content.decode()
    assert _state() == before
