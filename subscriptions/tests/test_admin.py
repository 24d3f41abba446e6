"""P5, P13: the back office records opt-outs told to staff; it shows subscribers masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from privacy.audit import actor_label
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    SubscriptionEvent,
    Suppression,
    SuppressionReason,
    Topic,
)
from subscriptions.selectors import is_suppressed
from subscriptions.services import subscriber_for_user, subscription_change, suppression_add
from subscriptions.tests.factories import ConfirmedSubscriberFactory, SubscriptionEventFactory

pytestmark = pytest.mark.django_db

TOOL = "admin:subscriptions_subscriber_record_optout"
CHANGELIST = "admin:subscriptions_subscriber_changelist"
STAFF_NAME = ("Mimoza", "Kujdesi")


@pytest.fixture
def person():  # type: ignore[no-untyped-def]
    return UserFactory(email="vjollca.berisha@gmail.com", phone="+355691234567")


@pytest.fixture
def subscribed(person):  # type: ignore[no-untyped-def]
    subscriber = subscriber_for_user(person)
    subscription_change(
        subscriber=subscriber,
        topics={Topic.OFFERS: True, Topic.NEWSLETTER: True},
        channel=Channel.REGISTRATION,
        actor=person,
    )
    return subscriber


@pytest.fixture
def care():  # type: ignore[no-untyped-def]
    return StaffFactory(role=Role.CUSTOMER_CARE, first_name=STAFF_NAME[0], last_name=STAFF_NAME[1])


def _active(subscriber: Subscriber) -> set[str]:
    return set(
        Subscription.objects.filter(subscriber=subscriber, active=True).values_list(
            "topic", flat=True
        )
    )


def _state() -> tuple[list[tuple[str, bool]], int, int]:
    return (
        sorted(Subscription.objects.values_list("topic", "active")),
        SubscriptionEvent.objects.count(),
        Suppression.objects.count(),
    )


def test_p13_customer_care_records_a_phone_opt_out_shown_in_the_customers_history(
    client, person, subscribed, care
):
    client.force_login(care)
    assert client.get(reverse(TOOL)).status_code == 200
    response = client.post(
        reverse(TOOL),
        {"customer": "Vjollca.Berisha@gmail.com", "channel": Channel.PHONE, "note": "Me telefon"},
    )
    assert response.status_code == 302
    # at once, from every topic, and never again until the person asks
    assert _active(subscribed) == set()
    assert is_suppressed(person.email)
    events = SubscriptionEvent.objects.filter(subscriber=subscribed, channel=Channel.PHONE)
    assert {event.actor for event in events} == {care}
    assert {event.note for event in events if event.topic} == {"Me telefon"}
    # the customer sees it in their account, with the channel and not the staff name
    client.force_login(person)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Historiku i abonimeve" in html
    assert ">Telefon<" in html
    assert STAFF_NAME[0] not in html and STAFF_NAME[1] not in html


def test_p5_a_staff_opt_out_names_the_role_in_the_history_not_the_person(
    client, person, subscribed, care
):
    # given customer care recording a phone opt-out
    client.force_login(care)
    response = client.post(
        reverse(TOOL),
        {"customer": "Vjollca.Berisha@gmail.com", "channel": Channel.PHONE, "note": "Me telefon"},
    )
    assert response.status_code == 302
    # then every row it left names who acted by role, as the access record does
    labels = set(
        SubscriptionEvent.objects.filter(channel=Channel.PHONE).values_list(
            "actor_label", flat=True
        )
    )
    assert labels == {actor_label(care)}
    [label] = labels
    assert label and label != str(care.pk)
    assert STAFF_NAME[0] not in label and STAFF_NAME[1] not in label
    assert care.get_full_name() not in label


def test_p13_opt_out_for_one_topic_found_by_phone(client, person, subscribed, care):
    client.force_login(care)
    response = client.post(
        reverse(TOOL),
        {"customer": "069 123 4567", "channel": Channel.IN_PERSON, "topics": [Topic.OFFERS]},
    )
    assert response.status_code == 302
    assert _active(subscribed) == {Topic.NEWSLETTER}
    assert not is_suppressed(person.email)


def test_p13_opt_out_tool_opened_for_one_customer(client, person, subscribed, care):
    client.force_login(care)
    url = f"{reverse(TOOL)}?klienti={person.pk}"
    page = client.get(url).content.decode()
    assert f"Llogaria #{person.pk}" in page
    assert person.email not in page
    response = client.post(url, {"channel": Channel.EMAIL_TO_US})
    assert response.status_code == 302
    assert _active(subscribed) == set()


def test_p13_opt_out_for_an_unknown_customer_is_explained_and_changes_nothing(
    client, subscribed, care
):
    client.force_login(care)
    before = _state()
    response = client.post(
        reverse(TOOL), {"customer": "+355 69 000 0000", "channel": Channel.PHONE}
    )
    assert response.status_code == 200
    assert "Nuk gjetëm asnjë llogari" in response.content.decode()
    assert _state() == before


def test_p13_opt_out_for_an_address_we_hold_nothing_for_suppresses_it(client, care):
    client.force_login(care)
    response = client.post(
        reverse(TOOL), {"customer": "askush@example.al", "channel": Channel.EMAIL_TO_US}
    )
    assert response.status_code == 302
    assert is_suppressed("askush@example.al")


def test_p13_opt_out_needs_a_staff_channel(client, person, subscribed, care):
    client.force_login(care)
    before = _state()
    for channel in ("", Channel.ONE_CLICK, Channel.ACCOUNT):
        response = client.post(reverse(TOOL), {"customer": person.email, "channel": channel})
        assert response.status_code == 200
    assert _state() == before


@pytest.mark.parametrize("role", [Role.MARKETING, Role.SALES, Role.DATA_PROTECTION_OFFICER])
def test_p13_staff_without_record_optout_are_refused_and_nothing_changes(
    client, person, subscribed, role
):
    client.force_login(StaffFactory(role=role))
    before = _state()
    assert client.get(reverse(TOOL)).status_code == 403
    response = client.post(reverse(TOOL), {"customer": person.email, "channel": Channel.PHONE})
    assert response.status_code == 403
    assert _state() == before


def test_p5_marketing_gets_no_subscriber_page(client, subscribed):
    client.force_login(StaffFactory(role=Role.MARKETING))
    for url in (
        reverse(CHANGELIST),
        reverse("admin:subscriptions_subscriber_change", args=[subscribed.pk]),
        reverse("admin:subscriptions_suppression_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "vjollca" not in response.content.decode()


def test_p5_customers_get_no_back_office_page_and_change_nothing(client, person, subscribed):
    client.force_login(person)
    before = _state()
    for url in (reverse(CHANGELIST), reverse(TOOL)):
        response = client.get(url)
        assert response.status_code in (302, 403, 404)
        assert response.status_code != 200
    response = client.post(reverse(TOOL), {"customer": person.email, "channel": Channel.PHONE})
    assert response.status_code in (302, 403, 404)
    assert _state() == before


def test_p5_subscriber_list_is_masked_and_found_by_exact_email(client, subscribed, care):
    visitor = ConfirmedSubscriberFactory(email="drita.leka@yahoo.com", topics=[Topic.OFFERS])
    client.force_login(care)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert "vjollca.berisha@gmail.com" not in html and "drita.leka@yahoo.com" not in html
    assert "v***@g***.com" in html and "d***@y***.com" in html
    found = client.get(reverse(CHANGELIST), {"q": "Drita.Leka@yahoo.com"}).content.decode()
    assert f"Abonenti #{visitor.pk}" in found
    assert f"Abonenti #{subscribed.pk}" not in found
    assert "drita.leka@yahoo.com" not in found
    # the tool is offered to whoever may use it
    assert reverse(TOOL) in html


def test_p5_nobody_adds_or_edits_a_subscriber_in_the_back_office(client, subscribed):
    admin_user = StaffFactory(is_superuser=True)
    client.force_login(admin_user)
    assert client.get(reverse("admin:subscriptions_subscriber_add")).status_code == 403
    change = reverse("admin:subscriptions_subscriber_change", args=[subscribed.pk])
    before = _state()
    response = client.post(change, {"email": "tjeter@example.al", "language": "en"})
    assert response.status_code == 403
    delete = reverse("admin:subscriptions_subscriber_delete", args=[subscribed.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert _state() == before
    assert Subscriber.objects.get(pk=subscribed.pk).email == "vjollca.berisha@gmail.com"


def test_p5_staff_note_in_the_history_is_masked_without_a_purpose(client, subscribed):
    SubscriptionEventFactory(
        subscriber=subscribed, channel=Channel.PHONE, note="Tha se quhet Vjollca nga Durrësi"
    )
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    client.force_login(officer)
    response = client.get(reverse("admin:subscriptions_subscriber_change", args=[subscribed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Historiku" in html and "Telefon" in html
    assert "Durrësi" not in html
    assert "vjollca.berisha@gmail.com" not in html


def test_p5_suppression_list_is_for_the_officer_and_shows_no_address(client):
    suppression_add(
        email="gent@example.al", reason=SuppressionReason.COMPLAINT, channel=Channel.COMPLAINT
    )
    changelist = reverse("admin:subscriptions_suppression_changelist")
    client.force_login(StaffFactory(role=Role.DATA_PROTECTION_OFFICER))
    response = client.get(changelist)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ankesë për spam" in html
    assert "gent@" not in html and Suppression.objects.get().address_index not in html
    found = client.get(changelist, {"q": "gent@example.al"}).content.decode()
    assert f"Bllokim #{Suppression.objects.get().pk}" in found
    for role in (Role.CUSTOMER_CARE, Role.ADMINISTRATOR, Role.MARKETING):
        client.force_login(StaffFactory(role=role))
        assert client.get(changelist).status_code == 403, role


def test_p13_the_customer_page_links_customer_care_to_the_opt_out_tool(client, person, care):
    client.force_login(care)
    page = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    assert f"{reverse(TOOL)}?klienti={person.pk}" in page
