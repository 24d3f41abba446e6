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


def _refusing_server(settings, rule):  # type: ignore[no-untyped-def]
    """A real SMTP server whose RCPT answer for an address is `rule(address)` (None: accept)."""
    from config.env import email_settings
    from core.testing import SMTPServer

    server = SMTPServer().start()

    async def handle_rcpt(server_, session, envelope, address, options):  # type: ignore[no-untyped-def]
        answer = rule(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    server.handler.handle_RCPT = handle_rcpt  # type: ignore[attr-defined]
    for name, value in email_settings(server.url).items():
        setattr(settings, name, value)
    return server


def test_a_greylisted_address_waits_alone_and_the_batch_goes_on(staff_user, settings):
    server = _refusing_server(
        settings, lambda a: "451 4.7.1 Greylisted" if a.startswith("gri") else None
    )
    try:
        subscribed_customer(email="gri@example.al")
        for n in range(3):
            subscribed_customer(email=f"tjeter{n}@example.al")
        campaign = CampaignFactory()
        campaign_start(campaign=campaign, actor=staff_user)
        campaign_drain(campaign.pk)
        assert sorted(m.recipients[0] for m in server.messages) == [
            f"tjeter{n}@example.al" for n in range(3)
        ]
        waiting = Delivery.objects.get(state=DeliveryState.QUEUED)
        assert waiting.attempts == 1 and waiting.retry_at is not None
        # when the retry is due and the server accepts it
        Delivery.objects.filter(pk=waiting.pk).update(retry_at=waiting.retry_at.replace(year=2000))
        server.handler.handle_RCPT = None  # type: ignore[attr-defined]
        del server.handler.handle_RCPT
        campaign_drain(campaign.pk)
        assert len(server.messages) == 4
        campaign.refresh_from_db()
        assert campaign.status == CampaignStatus.SENT
    finally:
        server.stop()


@pytest.mark.parametrize(
    "answer", ["554 5.7.1 Relay access denied", "550 5.7.1 Policy", "550 Relay not permitted"]
)
def test_a_refusal_about_us_not_the_address_suppresses_nobody(staff_user, settings, answer):
    from campaigns.engine import REFUSALS_BEFORE_PAUSE

    server = _refusing_server(settings, lambda address: answer)
    try:
        for n in range(REFUSALS_BEFORE_PAUSE + 2):
            subscribed_customer(email=f"mire{n}@example.al")
        campaign = CampaignFactory()
        campaign_start(campaign=campaign, actor=staff_user)
        result = campaign_drain(campaign.pk)
        # address after address refused: the server is at fault; the send pauses
        assert result.server_failing
        assert not any(is_suppressed(f"mire{n}@example.al") for n in range(7))
        rows = list(Delivery.objects.order_by("pk").values_list("state", "attempts"))
        tried = REFUSALS_BEFORE_PAUSE - 1
        assert rows[:tried] == [(DeliveryState.QUEUED, 1)] * tried  # each waits to retry
        assert rows[tried:] == [(DeliveryState.QUEUED, 0)] * 3  # never charged a try
    finally:
        server.stop()


def test_p8_an_address_with_a_non_ascii_domain_is_delivered(smtp_server, staff_user):
    subscribed_customer(email="blerta@bücher.al")
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    run_tasks()
    [mail] = smtp_server.messages
    assert mail.recipients == ["blerta@xn--bcher-kva.al"]


def test_a_long_albanian_subject_is_folded_with_crlf_only(staff_user):
    from campaigns.rendering import message_bytes, message_parts, render_campaign

    campaign = CampaignFactory(subject_sq="Çmime të ulëta për çdo shtëpi shqiptare: " * 3)
    parts = message_parts(render_campaign(campaign, "sq"), campaign)
    data = message_bytes(
        parts,
        to_address="a@example.al",
        message_id="<x@3vfejzo.al>",
        unsubscribe_url="https://3vfejzo.al/u",
        preferences_url="https://3vfejzo.al/p",
    )
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 998


def test_p13_an_opt_out_committed_at_the_last_moment_stops_the_message(
    smtp_server, staff_user, monkeypatch
):
    """The unsubscribe lands after the message was written to the server, before its end."""
    from campaigns.engine import _Sender

    late = subscribed_customer(email="vonese@example.al")
    subscribed_customer(email="pastaj@example.al")
    original = _Sender._commit

    def unsubscribe_then_commit(self, row):  # type: ignore[no-untyped-def]
        if row.subscriber_id == late.pk:
            unsubscribe_all(subscriber=late, channel=Channel.ONE_CLICK, actor=None)
        return original(self, row)

    monkeypatch.setattr(_Sender, "_commit", unsubscribe_then_commit)
    campaign_start(campaign=CampaignFactory(), actor=staff_user)
    run_tasks()
    # the half-written message was abandoned; the next one went on a fresh connection
    assert _recipients(smtp_server) == ["pastaj@example.al"]
    assert Delivery.objects.get(subscriber=late).state == DeliveryState.SKIPPED


def test_a_broken_message_fails_alone_and_the_campaign_finishes(
    smtp_server, staff_user, monkeypatch
):
    import campaigns.engine

    broken = subscribed_customer(email="prishur@example.al")
    subscribed_customer(email="mire@example.al")
    original = campaigns.engine.message_bytes

    def explode_for_one(parts, *, to_address, **kwargs):  # type: ignore[no-untyped-def]
        if to_address == broken.email:
            raise RuntimeError("boom")
        return original(parts, to_address=to_address, **kwargs)

    monkeypatch.setattr(campaigns.engine, "message_bytes", explode_for_one)
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    run_tasks()
    assert _recipients(smtp_server) == ["mire@example.al"]
    assert Delivery.objects.get(subscriber=broken).state == DeliveryState.FAILED
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT


def test_the_watchdog_revives_a_campaign_whose_worker_died(smtp_server, staff_user, settings):
    from django_tasks_db.models import DBTaskResult

    from campaigns.sending import campaigns_requeue_stalled

    subscribed_customer(email="ringjallje@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff_user)
    # a worker claimed the row and died; its task row is lost with it
    settings.CAMPAIGN_LEASE_SECONDS = -1
    claim_batch(campaign.pk, "dead-worker", 10)
    DBTaskResult.objects.all().delete()
    assert campaigns_requeue_stalled() == 1
    run_tasks()
    assert _recipients(smtp_server) == ["ringjallje@example.al"]
    assert Delivery.objects.get().attempts == 1  # the dead claim counted as a try


def test_the_queries_per_message_do_not_grow_with_the_batch(smtp_server, staff_user, settings):
    """A message costs its commit statements only; loading and opening its row are per batch."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(more_recipients: int) -> int:
        for n in range(more_recipients):
            subscribed_customer(email=f"q{more_recipients}-{n}@example.al")
        campaign = CampaignFactory()
        campaign_start(campaign=campaign, actor=staff_user)
        with CaptureQueriesContext(connection) as captured:
            campaign_drain(campaign.pk)
        campaign.delete()
        return len(captured)

    small = queries_for(2)  # a campaign to 2 recipients
    large = queries_for(10)  # then one to the same 2 and 10 more
    per_message = (large - small) / 10
    # The commit point only: a savepoint pair (the test runs inside a transaction) around
    # the UPDATE, and on PostgreSQL the share lock before it.
    assert per_message == 3 + (connection.vendor == "postgresql"), per_message


@pytest.mark.django_db(transaction=True)
def test_a_worker_outside_a_transaction_commits_each_message_ahead_of_its_end(
    smtp_server, settings, monkeypatch
):
    """On PostgreSQL a worker sends each COMMIT ahead of the final "." (pipelined)."""
    from django.db import connection

    from campaigns.engine import _Sender
    from privacy.roles import Role
    from staff.tests.factories import StaffFactory

    decided = []
    original = _Sender._commit_pipelined

    def spy(self, row):  # type: ignore[no-untyped-def]
        decided.append(original(self, row))
        return decided[-1]

    monkeypatch.setattr(_Sender, "_commit_pipelined", spy)

    staff = StaffFactory(role=Role.MARKETING, trained=True)
    leaving = subscribed_customer(email="del@example.al")
    for n in range(4):
        subscribed_customer(email=f"mbetet{n}@example.al")
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=staff)
    unsubscribe_all(subscriber=leaving, channel=Channel.ONE_CLICK, actor=None)
    result = campaign_drain(campaign.pk)
    assert (result.sent, result.skipped) == (4, 1)
    assert _recipients(smtp_server) == [f"mbetet{n}@example.al" for n in range(4)]
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 4
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    if connection.vendor == "postgresql":
        assert sorted(decided) == [False, True, True, True, True]
