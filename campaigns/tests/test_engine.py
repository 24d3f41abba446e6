"""The campaign engine (P8, P13): each recipient at most once, opt-outs honoured at once."""

from __future__ import annotations

import pytest

from campaigns.engine import campaign_drain, claim_batch
from campaigns.models import CampaignStatus, Delivery, DeliveryState
from campaigns.services import campaign_cancel, campaign_start
from campaigns.tests.factories import CampaignFactory, confirmed_visitor, subscribed_customer
from core.testing import run_tasks
from mail.models import OutboxMessage
from subscriptions.models import Channel, Subscriber, SuppressionReason, Topic
from subscriptions.services import (
    is_suppressed,
    opt_out_record,
    suppression_add,
    unsubscribe_all,
)

pytestmark = pytest.mark.django_db


def _recipients(smtp_server) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(address for mail in smtp_server.messages for address in mail.recipients)


def test_p8_campaign_goes_only_to_confirmed_subscribers_of_its_topic(smtp_server, staff_user):
    # given
    offers = subscribed_customer([Topic.OFFERS], email="oferta@example.al")
    subscribed_customer([Topic.NEWSLETTER], email="lajme@example.al")
    subscribed_customer([Topic.OFFERS], email="paverifikuar@example.al", email_verified_at=None)
    Subscriber.objects.create(email="vizitor@example.al")  # never confirmed
    confirmed_visitor("vizitor-konfirmuar@example.al")
    campaign = CampaignFactory(topic=Topic.OFFERS)
    # when
    count = campaign_start(campaign=campaign, actor=staff_user)
    run_tasks()
    # then
    assert count == 2
    assert _recipients(smtp_server) == sorted([offers.email, "vizitor-konfirmuar@example.al"])
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def test_p8_campaign_mail_carries_one_click_headers_and_reason(smtp_server, staff_user):
    subscribed_customer([Topic.OFFERS], email="lexuesi@example.al")
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    run_tasks()
    [mail] = smtp_server.messages
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["List-Unsubscribe"].startswith("<http")
    assert "lexuesi" not in mail["List-Unsubscribe"]
    text = mail.part("plain")
    html = mail.part("html")
    for body in (text, html):
        assert "info@3vfejzo.al" in body
        assert "Oferta dhe zbritje" in body
        assert "3VFejzo" in body
    assert "<style" not in html  # styles are inlined for mail clients
    assert 'style="' in html


def test_p8_customer_without_marketing_consent_gets_order_mail_but_never_marketing(
    smtp_server, staff_user, customer
):
    from catalog.tests.factories import ProductFactory
    from orders.tests.factories import place_order

    # given a customer who ticked no topic, and one who did
    subscribed_customer([Topic.OFFERS], email="abonuar@example.al")
    product = ProductFactory(stock=3)
    # when a campaign goes out and the first customer orders
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    place_order(customer=customer, quantities={product.pk: 1})
    run_tasks()
    # then the order mail reaches them and the campaign does not
    theirs = [mail for mail in smtp_server.messages if customer.email in mail.recipients]
    assert len(theirs) == 1
    assert theirs[0]["List-Unsubscribe"] is None
    assert "abonuar@example.al" in _recipients(smtp_server)


def test_p8_unsubscribing_from_marketing_never_stops_order_mail(smtp_server, staff_user):
    from catalog.tests.factories import ProductFactory
    from orders.tests.factories import place_order

    subscriber = subscribed_customer(email="blereesi@example.al")
    unsubscribe_all(subscriber=subscriber, channel=Channel.PREFERENCE_PAGE, actor=None)
    place_order(customer=subscriber.user, quantities={ProductFactory(stock=2).pk: 1})
    run_tasks()
    assert _recipients(smtp_server) == ["blereesi@example.al"]


def test_p13_opt_out_recorded_by_staff_on_the_phone_is_honoured_by_the_next_send(
    smtp_server, staff_user
):
    # given two subscribers, one of whom phones to say "no more offers"
    caller = subscribed_customer([Topic.OFFERS], email="telefon@example.al")
    subscribed_customer([Topic.OFFERS], email="tjeter@example.al")
    opt_out_record(
        person=caller.user,
        channel=Channel.PHONE,
        note="Telefonoi dhe kërkoi të mos marrë oferta.",
        actor=staff_user,
    )
    # when the next campaign is sent
    campaign_start(campaign=CampaignFactory(topic=Topic.OFFERS), actor=staff_user)
    run_tasks()
    # then only the other subscriber receives it
    assert _recipients(smtp_server) == ["tjeter@example.al"]


def test_p13_opt_out_between_claim_and_send_withdraws_the_message(smtp_server, staff_user):
    # given a batch already claimed by a worker
    first = subscribed_customer(email="para@example.al")
    second = subscribed_customer(email="pas@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    owner = "worker-a"
    ids = claim_batch(campaign.pk, owner, 10)
    assert len(ids) == 2
    # when the second person unsubscribes before their message is sent
    unsubscribe_all(subscriber=second, channel=Channel.PREFERENCE_PAGE, actor=None)
    from campaigns.engine import DrainResult, _Sender
    from campaigns.transport import open_transport

    transport = open_transport()
    result = DrainResult()
    _Sender(campaign, owner, transport).send_batch(ids, result)
    transport.close()
    # then
    assert _recipients(smtp_server) == [first.email]
    assert result.sent == 1 and result.skipped == 1
    states = dict(Delivery.objects.values_list("subscriber_id", "state"))
    assert states == {first.pk: DeliveryState.SENT, second.pk: DeliveryState.SKIPPED}


def test_p13_suppressed_address_is_never_mailed_even_after_registering_anew(
    smtp_server, staff_user
):
    suppression_add(
        email="spam@example.al", reason=SuppressionReason.COMPLAINT, channel=Channel.COMPLAINT
    )
    subscribed_customer(email="spam@example.al")
    subscribed_customer(email="mire@example.al")
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    run_tasks()
    assert _recipients(smtp_server) == ["mire@example.al"]


def test_a_claim_taken_over_after_its_lease_is_not_sent_by_its_first_owner(
    smtp_server, staff_user, settings
):
    subscribed_customer(email="nje@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    settings.CAMPAIGN_LEASE_SECONDS = -1  # claims expire at once
    stale = claim_batch(campaign.pk, "slow-worker", 10)
    fresh = claim_batch(campaign.pk, "new-worker", 10)
    assert stale == fresh
    from campaigns.engine import DrainResult, _Sender
    from campaigns.transport import open_transport

    transport = open_transport()
    _Sender(campaign, "slow-worker", transport).send_batch(stale, DrainResult())
    _Sender(campaign, "new-worker", transport).send_batch(fresh, DrainResult())
    transport.close()
    assert _recipients(smtp_server) == ["nje@example.al"]


def test_drain_twice_sends_nothing_twice(smtp_server, staff_user):
    for n in range(5):
        subscribed_customer(email=f"dy{n}@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    campaign_drain(campaign.pk)
    campaign_drain(campaign.pk)
    run_tasks()
    assert len(smtp_server.messages) == 5


def test_p8_hard_bounce_fails_the_message_and_suppresses_the_address(staff_user, settings):
    from config.env import email_settings
    from core.testing import SMTPServer

    server = SMTPServer().start()
    try:

        async def refuse(server_, session, envelope, address, options):  # type: ignore[no-untyped-def]
            if address.startswith("nuk-ekziston"):
                return "550 5.1.1 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        server.handler.handle_RCPT = refuse  # type: ignore[attr-defined]
        for name, value in email_settings(server.url).items():
            setattr(settings, name, value)
        subscribed_customer(email="nuk-ekziston@example.al")
        subscribed_customer(email="ekziston@example.al")
        campaign = CampaignFactory()
        campaign_start(campaign=campaign, actor=staff_user)
        run_tasks()
        assert [m.recipients for m in server.messages] == [["ekziston@example.al"]]
        assert is_suppressed("nuk-ekziston@example.al")
        assert Delivery.objects.filter(state=DeliveryState.FAILED).count() == 1
    finally:
        server.stop()


def test_cancelled_campaign_sends_nothing_more(smtp_server, staff_user):
    for n in range(3):
        subscribed_customer(email=f"anulim{n}@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    assert campaign_cancel(campaign=campaign, actor=staff_user) == 3
    run_tasks()
    assert smtp_server.messages == []


def test_campaign_job_reads_are_in_the_access_record(smtp_server, staff_user):
    from privacy.models import AccessEntry, Job

    subscribed_customer(email="regjistri@example.al")
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    run_tasks()
    entry = AccessEntry.objects.get(actor_label=Job.SEND_CAMPAIGN)
    assert entry.fields == "subscriptions.Subscriber.email"
    assert "regjistri" not in entry.reference


def test_mail_for_transactional_kinds_has_no_unsubscribe_header(smtp_server, customer):
    from accounts.services import email_verification_send

    email_verification_send(user=customer)
    run_tasks()
    [mail] = smtp_server.messages
    assert mail["List-Unsubscribe"] is None
    assert mail["List-Unsubscribe-Post"] is None
    assert OutboxMessage.objects.count() == 1


def test_p13_visitor_without_account_who_phones_is_not_mailed_again(smtp_server, staff_user):
    confirmed_visitor("vizitor@example.al")
    subscribed_customer(email="klient@example.al")
    opt_out_record(
        person=Subscriber.objects.get(user__isnull=True),
        channel=Channel.PHONE,
        note="",
        actor=staff_user,
    )
    # and someone we hold nothing for asks by email never to be written to
    opt_out_record(
        person="i-panjohur@example.al", channel=Channel.EMAIL_TO_US, note="", actor=staff_user
    )
    confirmed_visitor("i-panjohur@example.al")  # later subscribes in the footer, unconfirmed wish
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    run_tasks()
    assert _recipients(smtp_server) == ["klient@example.al"]


def test_rfc8058_one_click_from_a_delivered_header_unsubscribes_without_cookies(
    smtp_server, staff_user, client
):
    """RFC 8058 acceptance: POST exactly `List-Unsubscribe=One-Click` to the header's URL."""
    from urllib.parse import urlsplit

    from django.test import Client

    from subscriptions.models import Subscription

    subscriber = subscribed_customer([Topic.OFFERS, Topic.NEWSLETTER], email="gmail@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    run_tasks()
    [mail] = smtp_server.messages
    url = urlsplit(mail["List-Unsubscribe"].strip("<>"))
    provider = Client()  # a mail provider's server: no cookie, no session, no CSRF token

    # a GET (a link scanner) changes nothing
    assert provider.get(url.path).status_code == 200
    assert Subscription.objects.get(subscriber=subscriber, topic=Topic.OFFERS).active

    response = provider.post(
        url.path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Location" not in response
    assert not response.cookies
    assert not Subscription.objects.get(subscriber=subscriber, topic=Topic.OFFERS).active
    # the list the message came from, not every topic
    assert Subscription.objects.get(subscriber=subscriber, topic=Topic.NEWSLETTER).active
    # idempotent
    again = provider.post(
        url.path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200
    # and the campaign counts it
    from campaigns.services import campaign_progress

    assert campaign_progress(campaign).unsubscribed_since == 1


def test_p8_other_backends_get_a_whole_message_with_the_list_headers(staff_user, mailoutbox):
    """Maildir in development and API providers (django-anymail) are not SMTP."""
    subscribed_customer(email="api@example.al")
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    run_tasks()
    [message] = mailoutbox
    assert message.to == ["api@example.al"]
    assert message.subject.startswith("Ofertat e javës")
    assert "Ulje çmimesh" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_the_rate_limit_setting_paces_a_worker(smtp_server, staff_user, settings):
    import time

    for n in range(6):
        subscribed_customer(email=f"ritem{n}@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    settings.CAMPAIGN_RATE_PER_WORKER = 20
    started = time.monotonic()
    campaign_drain(campaign.pk)
    assert time.monotonic() - started >= 5 / 20
    assert len(smtp_server.messages) == 6
