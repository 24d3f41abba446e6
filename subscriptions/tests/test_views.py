"""P8, P13: the footer sign-up, confirmation, preference and one-click unsubscribe pages."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mail.models import MailKind, OutboxMessage
from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    SubscriptionAction,
    SubscriptionEvent,
    Suppression,
    SuppressionReason,
    Topic,
)
from subscriptions.selectors import audience_filter
from subscriptions.services import subscriber_for_user, subscription_change, suppression_add
from subscriptions.tests.factories import ConfirmedSubscriberFactory, SubscriberFactory
from subscriptions.tokens import confirmation_token, preferences_token, unsubscribe_token

pytestmark = pytest.mark.django_db

SUBSCRIBE = "/email/abonohu/"
ADDRESS = "Vjollca.Berisha@Example.al"


def _audience(topic: Topic = Topic.NEWSLETTER) -> set[int]:
    return set(Subscriber.objects.filter(audience_filter(topic)).values_list("pk", flat=True))


def _active(subscriber: Subscriber) -> set[str]:
    return set(
        Subscription.objects.filter(subscriber=subscriber, active=True).values_list(
            "topic", flat=True
        )
    )


def _snapshot() -> tuple[int, int, int, int, list[tuple[str, bool]], list[object]]:
    """Everything a subscription page could change, to assert that nothing did."""
    return (
        Subscriber.objects.count(),
        SubscriptionEvent.objects.count(),
        Suppression.objects.count(),
        OutboxMessage.objects.count(),
        sorted(Subscription.objects.values_list("topic", "active")),
        sorted(Subscriber.objects.values_list("confirmed_at", flat=True), key=str),
    )


def _unsubscribe_url(subscriber_or_id: Subscriber | str, topic: Topic | None = None) -> str:
    public_id = getattr(subscriber_or_id, "public_id", subscriber_or_id)
    token = unsubscribe_token(str(public_id), topic=topic, campaign_id=None)
    return reverse("subscriptions:unsubscribe", args=[token])


def _preferences_url(subscriber: Subscriber) -> str:
    return reverse("subscriptions:preferences", args=[preferences_token(subscriber.public_id)])


def _confirm_url(subscriber: Subscriber) -> str:
    return reverse("subscriptions:confirm", args=[confirmation_token(subscriber.public_id)])


def _private_headers(response) -> None:  # type: ignore[no-untyped-def]
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]


# The footer sign-up: double opt-in, the same answer for every address.


def test_p8_footer_form_is_on_every_page_with_a_visible_label(client):
    html = client.get("/").content.decode()
    assert f'action="{SUBSCRIBE}"' in html
    assert '<label for="footer-signup-email">' in html


def test_p8_footer_sign_up_mails_one_confirmation_and_sends_nothing_else(client):
    response = client.post(SUBSCRIBE, {"email": ADDRESS})
    assert response.status_code == 302
    assert response["Location"] == f"{SUBSCRIBE}?derguar=1"
    subscriber = Subscriber.objects.get()
    assert subscriber.email == ADDRESS.lower()
    assert subscriber.confirmed_at is None
    assert _active(subscriber) == {Topic.NEWSLETTER}
    mail = OutboxMessage.objects.get()
    assert (mail.kind, mail.to_address) == (MailKind.SUBSCRIPTION_CONFIRM, ADDRESS.lower())
    assert _confirm_url(subscriber).split("/konfirmo/")[0] in mail.body_text
    assert "Të rejat" in mail.body_text and "3VFejzo" in mail.body_text
    assert "info@3vfejzo.al" in mail.body_text
    # no marketing reaches an address nobody confirmed
    assert subscriber.pk not in _audience()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Kontrolloni email-in" in page.content.decode()


def test_p8_no_address_in_any_url_of_the_sign_up(client):
    response = client.post(SUBSCRIBE, {"email": ADDRESS})
    assert "@" not in response["Location"]
    links = re.findall(r"https?://\S+", OutboxMessage.objects.get().body_text)
    confirm_links = [link for link in links if "/email/konfirmo/" in link]
    assert len(confirm_links) == 1
    assert "@" not in confirm_links[0] and "vjollca" not in confirm_links[0].lower()


def test_p8_footer_answers_the_same_for_new_known_and_suppressed_addresses(client):
    ConfirmedSubscriberFactory(email="e-njohur@example.al", topics=[Topic.NEWSLETTER])
    suppression_add(
        email="e-bllokuar@example.al", reason=SuppressionReason.COMPLAINT, channel=Channel.COMPLAINT
    )
    answers = []
    for email in ("e-re@example.al", "e-njohur@example.al", "e-bllokuar@example.al"):
        response = client.post(SUBSCRIBE, {"email": email})
        followed = client.get(response["Location"])
        # the page, less the CSRF token that differs on every render
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", followed.content.decode())
        answers.append((response.status_code, response["Location"], page))
    assert answers[0] == answers[1] == answers[2]


def test_p8_footer_answers_the_same_each_time_and_mails_once_a_day(client):
    suppression_add(
        email="e-kthyer@example.al",
        reason=SuppressionReason.HARD_BOUNCE,
        channel=Channel.BOUNCE,
    )
    answers = set()
    for email in (ADDRESS, ADDRESS, ADDRESS, "e-kthyer@example.al"):
        response = client.post(SUBSCRIBE, {"email": email})
        followed = client.get(response["Location"])
        page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", followed.content.decode())
        answers.add((response.status_code, response["Location"], page))
    assert len(answers) == 1
    # one link to the address typed three times; none to the one that bounced
    assert [mail.to_address for mail in OutboxMessage.objects.all()] == [ADDRESS.lower()]


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Shkruani adresën"), ("jo-email", "nuk duket si adresë"), ("a@b", "nuk duket si")],
)
def test_p8_bad_footer_input_is_explained_in_albanian_and_changes_nothing(client, email, message):
    before = _snapshot()
    response = client.post(SUBSCRIBE, {"email": email})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _snapshot() == before


def test_p8_footer_refuses_an_unknown_topic_and_changes_nothing(client):
    before = _snapshot()
    response = client.post(SUBSCRIBE, {"email": ADDRESS, "topics": ["spam"]})
    assert response.status_code == 200
    assert _snapshot() == before


def test_p8_footer_with_chosen_topics_lists_them_in_the_mail(client):
    client.post(SUBSCRIBE, {"email": ADDRESS, "topics": [Topic.OFFERS]})
    assert _active(Subscriber.objects.get()) == {Topic.OFFERS}
    assert "Oferta dhe zbritje" in OutboxMessage.objects.get().body_text


def test_p8_a_get_of_the_sign_up_address_subscribes_nobody(client):
    response = client.get(SUBSCRIBE, {"email": ADDRESS})
    assert response.status_code in (302, 405)
    assert not Subscriber.objects.exists()


def test_p8_footer_sign_up_in_english_mails_in_english(client):
    client.post(f"/en{SUBSCRIBE}", {"email": ADDRESS})
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "en"
    assert "/en/email/konfirmo/" in OutboxMessage.objects.get().body_text


# Confirmation: a GET shows a button; only the POST confirms.


def test_p8_confirmation_get_shows_a_button_and_changes_nothing(client):
    subscriber = SubscriberFactory(topics=[Topic.NEWSLETTER])
    before = _snapshot()
    response = client.get(_confirm_url(subscriber))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Konfirmo abonimin" in html and 'method="post"' in html
    assert subscriber.email not in html
    _private_headers(response)
    assert _snapshot() == before


def test_p8_confirmation_post_confirms_and_the_address_joins_the_audience(client):
    subscriber = SubscriberFactory(topics=[Topic.NEWSLETTER])
    response = client.post(_confirm_url(subscriber))
    assert response.status_code == 200
    assert "u konfirmua" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert subscriber.pk in _audience()
    assert SubscriptionEvent.objects.filter(
        subscriber=subscriber,
        action=SubscriptionAction.CONFIRMED,
        channel=Channel.EMAIL_CONFIRMATION,
    ).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_p8_forged_confirmation_link_is_refused_and_changes_nothing(client, method):
    subscriber = SubscriberFactory(topics=[Topic.NEWSLETTER])
    before = _snapshot()
    url = reverse("subscriptions:confirm", args=[confirmation_token(subscriber.public_id) + "x"])
    response = getattr(client, method)(url)
    assert response.status_code == 400
    assert "Lidhja nuk vlen" in response.content.decode()
    assert _snapshot() == before


def test_p8_expired_confirmation_link_is_refused_and_changes_nothing(client, settings):
    subscriber = SubscriberFactory(topics=[Topic.NEWSLETTER])
    eight_days_ago = time.time() - 8 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = confirmation_token(subscriber.public_id)
    before = _snapshot()
    response = client.post(reverse("subscriptions:confirm", args=[token]))
    assert response.status_code == 400
    assert _snapshot() == before


# The preference page: no sign-in, masked address, a GET changes nothing.


def test_p13_preference_page_shows_the_masked_address_why_and_the_contact(client):
    subscriber = ConfirmedSubscriberFactory(
        email="vjollca.berisha@gmail.com", topics=[Topic.OFFERS]
    )
    before = _snapshot()
    response = client.get(_preferences_url(subscriber))
    assert response.status_code == 200
    html = response.content.decode()
    assert "vjollca.berisha@gmail.com" not in html and "berisha" not in html
    assert "v***@g***.com" in html
    assert "info@3vfejzo.al" in html
    assert "Formulari në fund të faqes" in html  # why: how the address joined
    assert re.search(r'value="offers"[^>]*checked', html)
    assert not re.search(r'value="newsletter"[^>]*checked', html)
    assert "Çregjistrohu nga të gjitha" in html and ">Ruaj<" in html
    _private_headers(response)
    assert not response.cookies.get("sessionid")
    assert _snapshot() == before


def test_p13_preference_page_saves_the_boxes_as_left(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    response = client.post(
        _preferences_url(subscriber), {"topics": [Topic.NEWSLETTER], "action": "save"}
    )
    assert response.status_code == 302
    assert _active(subscriber) == {Topic.NEWSLETTER}
    events = SubscriptionEvent.objects.filter(
        subscriber=subscriber, channel=Channel.PREFERENCE_PAGE
    )
    assert {(e.topic, e.action) for e in events} == {
        (Topic.NEWSLETTER, SubscriptionAction.SUBSCRIBED),
        (Topic.OFFERS, SubscriptionAction.UNSUBSCRIBED),
    }
    assert all(event.actor_id is None for event in events)
    assert "u ruajt" in client.get(response["Location"]).content.decode()


def test_p13_preference_page_unsubscribes_from_everything(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS, Topic.NEWSLETTER])
    response = client.post(
        _preferences_url(subscriber), {"topics": [Topic.OFFERS], "action": "unsubscribe_all"}
    )
    assert response.status_code == 200
    assert "U çregjistruat" in response.content.decode()
    assert _active(subscriber) == set()
    assert Suppression.objects.filter(address_index=subscriber.email_index).exists()


def test_p13_preference_post_without_a_button_changes_nothing(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    before = _snapshot()
    response = client.post(_preferences_url(subscriber), {"topics": [Topic.NEWSLETTER]})
    assert response.status_code == 400
    assert _snapshot() == before


def test_p13_preference_page_keeps_csrf_protection(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    strict = Client(enforce_csrf_checks=True)
    before = _snapshot()
    response = strict.post(_preferences_url(subscriber), {"action": "unsubscribe_all"})
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_p13_bad_preference_link_is_a_clear_404_and_changes_nothing(client, method):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    before = _snapshot()
    url = reverse("subscriptions:preferences", args=[subscriber.public_id])  # unsigned
    response = getattr(client, method)(
        url, {"action": "unsubscribe_all"} if method == "post" else {}
    )
    assert response.status_code == 404
    assert "Lidhja nuk vlen" in response.content.decode()
    assert _snapshot() == before


def test_p7_token_pages_load_no_analytics(client, settings):
    settings.GA_MEASUREMENT_ID = "G-TEST123"
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    assert "analytics-consent.js" in client.get("/").content.decode()
    for url in (
        _preferences_url(subscriber),
        _unsubscribe_url(subscriber),
        _confirm_url(subscriber),
    ):
        assert "analytics-consent.js" not in client.get(url).content.decode()


# One-click unsubscribe (RFC 8058).


def test_p13_one_click_post_without_cookie_unsubscribes_with_a_plain_200(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS, Topic.NEWSLETTER])
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(_unsubscribe_url(subscriber), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "Location" not in response
    assert not response.cookies
    _private_headers(response)
    assert _active(subscriber) == set()
    assert subscriber.pk not in _audience(Topic.OFFERS)
    assert set(
        SubscriptionEvent.objects.filter(subscriber=subscriber).values_list("channel", flat=True)
    ) >= {Channel.ONE_CLICK}


def test_p13_one_click_is_idempotent(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    url = _unsubscribe_url(subscriber, Topic.OFFERS)
    first = client.post(url, {"List-Unsubscribe": "One-Click"})
    events = SubscriptionEvent.objects.count()
    second = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert (first.status_code, first.content) == (second.status_code, second.content)
    assert SubscriptionEvent.objects.count() == events
    assert _active(subscriber) == set()


def test_p13_one_click_answers_the_same_for_unknown_erased_and_forged_tokens(client):
    known = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    erased = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    erased_url = _unsubscribe_url(erased)
    erased.delete()
    answers = {}
    for name, url in {
        "known": _unsubscribe_url(known),
        "unknown": _unsubscribe_url("nuk-ekziston-ky-abonent"),
        "erased": erased_url,
        "forged": reverse("subscriptions:unsubscribe", args=["abc.def"]),
        "tampered": _unsubscribe_url(known).replace("/cregjistrohu/", "/cregjistrohu/x"),
    }.items():
        response = client.post(url, {"List-Unsubscribe": "One-Click"})
        answers[name] = (response.status_code, response.content, response.get("Location"))
    assert len(set(answers.values())) == 1, answers
    assert answers["known"][0] == 200


def test_p13_one_click_accepts_a_multipart_body(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    # The test client encodes a dict as multipart/form-data by default.
    response = client.post(_unsubscribe_url(subscriber), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert _active(subscriber) == set()


def test_p13_one_click_accepts_a_urlencoded_body(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    response = client.post(
        _unsubscribe_url(subscriber),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _active(subscriber) == set()


def test_p13_one_click_with_a_topic_stops_only_that_topic(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS, Topic.NEWSLETTER])
    client.post(_unsubscribe_url(subscriber, Topic.OFFERS), {"List-Unsubscribe": "One-Click"})
    assert _active(subscriber) == {Topic.NEWSLETTER}


@pytest.mark.parametrize(
    "body",
    [{}, {"List-Unsubscribe": "Yes"}, {"list-unsubscribe": "one-click"}, {"email": ADDRESS}],
)
def test_p13_a_post_without_one_click_or_the_button_changes_nothing(client, body):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    before = _snapshot()
    response = client.post(_unsubscribe_url(subscriber), body)
    assert response.status_code == 400
    assert _snapshot() == before


def test_p13_unsubscribe_get_shows_a_button_and_changes_nothing(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    url = _unsubscribe_url(subscriber, Topic.OFFERS)
    before = _snapshot()
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="post"' in html and 'name="confirm"' in html
    assert "Oferta dhe zbritje" in html
    assert subscriber.email not in html
    _private_headers(response)
    assert not response.cookies.get("sessionid")
    assert _snapshot() == before


def test_p13_unsubscribe_page_button_unsubscribes_and_links_the_preferences(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS])
    response = client.post(_unsubscribe_url(subscriber), {"confirm": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "U çregjistruat" in html
    assert _preferences_url(subscriber) in html
    assert not response.cookies.get("sessionid")
    assert _active(subscriber) == set()


def test_p13_english_one_click_address_works(client):
    subscriber = ConfirmedSubscriberFactory(topics=[Topic.OFFERS], language="en")
    with translation.override("en"):
        url = _unsubscribe_url(subscriber)
    assert url.startswith("/en/")
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert _active(subscriber) == set()


def test_p13_one_click_takes_a_customer_out_of_the_audience_at_once(client, customer):
    subscriber = subscriber_for_user(customer)
    subscription_change(
        subscriber=subscriber, topics={Topic.OFFERS: True}, channel=Channel.ACCOUNT, actor=customer
    )
    assert subscriber.pk in _audience(Topic.OFFERS)
    client.post(_unsubscribe_url(subscriber, Topic.OFFERS), {"List-Unsubscribe": "One-Click"})
    # at once: no task, no delay
    assert subscriber.pk not in _audience(Topic.OFFERS)
