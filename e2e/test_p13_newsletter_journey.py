"""A visitor subscribes in the footer, confirms, gets a campaign and opts out (P8, P13).

The whole path is the real one: the footer form, the outbox worker delivering the
double opt-in mail to an SMTP server, the link in that mail, a campaign sent by the
campaign engine over SMTP, and the preference link at the bottom of the campaign mail,
opened without an account.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Campaign, CampaignStatus, Delivery
from campaigns.services import campaign_start
from campaigns.tests.factories import CampaignFactory
from e2e.test_shopping_journey import sent_to
from mail.models import MailKind, OutboxMessage, OutboxStatus
from privacy.masking import mask_email
from subscriptions.models import (
    Channel,
    Subscriber,
    Subscription,
    SubscriptionAction,
    SubscriptionEvent,
    Topic,
)
from subscriptions.services import is_suppressed, preferences_url
from subscriptions.tests.factories import ConfirmedSubscriberFactory

if TYPE_CHECKING:
    from core.testing import ReceivedMail, SMTPServer
    from e2e.conftest import MailWaiter, PageOpener

pytestmark = pytest.mark.browser

CONTACT_EMAIL = "info@3vfejzo.al"
VISITOR_EMAIL = "blerina.shehu@example.al"
# Another confirmed reader of the newsletter: the second campaign needs an audience.
OTHER_EMAIL = "gezim.dervishi@example.al"
CONFIRM_SUBJECT = "Konfirmoni abonimin tuaj te 3VFejzo"
CONFIRM_LINK = re.compile(r"https?://\S+/email/konfirmo/[^/\s]+/")
PREFERENCES_LINK = re.compile(r"https?://\S+/email/preferencat/[^/\s]+/")
UNSUBSCRIBE_LINK = re.compile(r"^<(https?://\S+/email/cregjistrohu/[^/\s>]+/)>$")
URL = re.compile(r"(?:https?|mailto):[^\s\"'<>]+")
HREF = re.compile(r"""href=["']([^"']+)["']""")


def topic_box(page: Page, topic: Topic) -> Any:
    return page.get_by_role("checkbox", name=str(topic.label), exact=True)


def mail_links(mail: ReceivedMail) -> list[str]:
    """Every address a reader or a mail client can follow: text, HTML and headers."""
    links = URL.findall(mail.part("plain")) + HREF.findall(mail.part("html"))
    header = mail["List-Unsubscribe"] or ""
    links += re.findall(r"<([^>]+)>", header)
    return links


def assert_links_name_nobody(mail: ReceivedMail, address: str) -> None:
    """No link carries an address: web links none at all, mailto only the shop's."""
    links = mail_links(mail)
    assert links, "the mail has links"
    local = address.partition("@")[0]
    for link in links:
        decoded = unquote(unquote(link)).lower()
        if decoded.startswith("mailto:"):
            assert decoded == f"mailto:{CONTACT_EMAIL}", link
            continue
        assert "@" not in decoded, link
        assert address.lower() not in decoded, link
        assert local.lower() not in decoded, link


def start_campaign(subject: str) -> Campaign:
    campaign = CampaignFactory(
        topic=Topic.NEWSLETTER,
        subject_sq=subject,
        body_sq="## Të rejat e javës\n\nLavatriçe dhe frigoriferë të rinj në dyqan.",
    )
    campaign_start(campaign=campaign, actor=None)
    return campaign


def test_p8_p13_visitor_subscribes_confirms_receives_a_campaign_and_opts_out(
    open_page: PageOpener,
    live_server: Any,
    settings: Any,
    smtp_server: SMTPServer,
    wait_for_mail: MailWaiter,
) -> None:
    # given: links in mail point at this server, and someone else already reads the news
    settings.SITE_URL = live_server.url
    ConfirmedSubscriberFactory(email=OTHER_EMAIL, topics=[Topic.NEWSLETTER])
    page = open_page()

    # when: a visitor types their address in the footer of the home page
    page.goto(live_server.url + "/")
    footer = page.get_by_role("contentinfo")
    footer.get_by_label("Email-i juaj").fill(VISITOR_EMAIL)
    footer.get_by_role("button", name="Abonohu").click()

    # then: they are told to check their inbox, and nothing is confirmed yet
    expect(page).to_have_url(re.compile(r"/email/abonohu/\?derguar=1$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontrolloni email-in tuaj")
    expect(page.get_by_role("status")).to_contain_text("lidhje konfirmimi")
    subscriber = Subscriber.objects.get(user=None, confirmed_at=None)
    assert subscriber.email == VISITOR_EMAIL
    topics = Subscription.objects.filter(subscriber=subscriber).values_list("topic", "active")
    assert list(topics) == [(Topic.NEWSLETTER, True)]

    # and: the worker delivers the confirmation mail, with the link in its text part
    (confirmation,) = wait_for_mail(sent_to(VISITOR_EMAIL, CONFIRM_SUBJECT))
    assert confirmation.recipients == [VISITOR_EMAIL]
    assert confirmation.subject == CONFIRM_SUBJECT
    outbox = OutboxMessage.objects.get(kind=MailKind.SUBSCRIPTION_CONFIRM)
    assert outbox.status == OutboxStatus.SENT
    assert outbox.to_address == VISITOR_EMAIL
    confirm_text = confirmation.part("plain")
    assert "Të rejat" in confirm_text
    link = CONFIRM_LINK.search(confirm_text)
    assert link is not None, confirm_text
    assert link.group(0).startswith(live_server.url)
    assert_links_name_nobody(confirmation, VISITOR_EMAIL)

    # when: they open the link (a GET, as a mail scanner would too)
    page.goto(link.group(0))

    # then: a button is shown, and nothing changed
    expect(page.get_by_role("heading", level=1)).to_have_text("Konfirmoni abonimin")
    expect(page.get_by_role("main")).to_contain_text(mask_email(VISITOR_EMAIL))
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_text(["Të rejat"])
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None
    assert not SubscriptionEvent.objects.filter(action=SubscriptionAction.CONFIRMED).exists()

    # when: they press the button
    page.get_by_role("button", name="Konfirmo abonimin").click()

    # then: the subscription is confirmed
    expect(page.get_by_role("heading", level=1)).to_have_text("Faleminderit! Abonimi u konfirmua.")
    expect(page.get_by_role("status")).to_contain_text(mask_email(VISITOR_EMAIL))
    expect(page.get_by_role("status")).to_contain_text("Të rejat")
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert SubscriptionEvent.objects.filter(
        subscriber=subscriber,
        action=SubscriptionAction.CONFIRMED,
        channel=Channel.EMAIL_CONFIRMATION,
    ).exists()

    # when: marketing sends a newsletter campaign
    first_subject = "Të rejat e nëntorit nga 3VFejzo"
    first_campaign = start_campaign(first_subject)

    # then: the visitor's copy arrives with the one-click headers and a preference link
    (campaign_mail,) = wait_for_mail(sent_to(VISITOR_EMAIL, first_subject))
    wait_for_mail(sent_to(OTHER_EMAIL, first_subject))
    assert campaign_mail.recipients == [VISITOR_EMAIL]
    assert campaign_mail["To"] == VISITOR_EMAIL
    assert campaign_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    one_click = UNSUBSCRIBE_LINK.match(campaign_mail["List-Unsubscribe"] or "")
    assert one_click is not None, campaign_mail["List-Unsubscribe"]
    assert one_click.group(1).startswith(live_server.url)
    campaign_text = campaign_mail.part("plain")
    assert "Lavatriçe dhe frigoriferë" in campaign_text
    preferences = PREFERENCES_LINK.search(campaign_text)
    assert preferences is not None, campaign_text
    assert preferences.group(0).startswith(live_server.url)
    assert f'href="{preferences.group(0)}"' in campaign_mail.part("html")
    assert_links_name_nobody(campaign_mail, VISITOR_EMAIL)
    first_campaign.refresh_from_db()
    assert first_campaign.status == CampaignStatus.SENT

    # when: they open the preference link from the mail, in a browser never signed in
    reader = open_page()
    reader.goto(preferences.group(0))

    # then: their topics and a masked address are shown, never the address itself
    expect(reader.get_by_role("heading", level=1)).to_have_text("Preferencat e email-it")
    expect(reader.get_by_role("main")).to_contain_text(mask_email(VISITOR_EMAIL))
    expect(reader.get_by_role("main")).to_contain_text("Tani merrni: Të rejat.")
    assert VISITOR_EMAIL not in reader.content()
    expect(topic_box(reader, Topic.NEWSLETTER)).to_be_checked()
    expect(topic_box(reader, Topic.OFFERS)).not_to_be_checked()
    expect(topic_box(reader, Topic.NOTICES)).not_to_be_checked()

    # when: they untick the newsletter and save
    topic_box(reader, Topic.NEWSLETTER).uncheck()
    reader.get_by_role("button", name="Ruaj", exact=True).click()

    # then: the choice is saved at once, and the page says they receive nothing
    expect(reader.get_by_role("status")).to_contain_text("Zgjedhja juaj u ruajt")
    expect(reader.get_by_role("main")).to_contain_text("Tani nuk merrni asnjë email marketingu.")
    expect(topic_box(reader, Topic.NEWSLETTER)).not_to_be_checked()
    newsletter = Subscription.objects.get(subscriber=subscriber, topic=Topic.NEWSLETTER)
    assert not newsletter.active
    assert SubscriptionEvent.objects.filter(
        subscriber=subscriber,
        topic=Topic.NEWSLETTER,
        action=SubscriptionAction.UNSUBSCRIBED,
        channel=Channel.PREFERENCE_PAGE,
        actor=None,
    ).exists()
    # unticking one topic is not "unsubscribe from everything"
    assert not is_suppressed(VISITOR_EMAIL)

    # when: a second newsletter campaign goes out
    second_subject = "Ofertat e dhjetorit nga 3VFejzo"
    before = len([m for m in smtp_server.messages if VISITOR_EMAIL in m.recipients])
    second_campaign = start_campaign(second_subject)

    # then: it reaches the other reader but not them
    wait_for_mail(sent_to(OTHER_EMAIL, second_subject))
    second_campaign.refresh_from_db()
    assert second_campaign.status == CampaignStatus.SENT
    assert not Delivery.objects.filter(campaign=second_campaign, subscriber=subscriber).exists()
    to_visitor = [m for m in smtp_server.messages if VISITOR_EMAIL in m.recipients]
    assert len(to_visitor) == before == 2
    assert not [m for m in to_visitor if second_subject in m.subject]


def test_p13_preference_page_unsubscribes_from_everything_without_javascript(
    open_page: PageOpener, live_server: Any, settings: Any
) -> None:
    # given: a confirmed visitor who reads two topics, and the link from their mail
    settings.SITE_URL = live_server.url
    subscriber = ConfirmedSubscriberFactory(
        email=VISITOR_EMAIL, topics=[Topic.NEWSLETTER, Topic.OFFERS]
    )
    page = open_page(java_script_enabled=False)

    # when: they open the preference page with JavaScript off
    page.goto(preferences_url(subscriber))

    # then: the page shows their topics and the masked address
    expect(page.get_by_role("heading", level=1)).to_have_text("Preferencat e email-it")
    expect(page.get_by_role("main")).to_contain_text(mask_email(VISITOR_EMAIL))
    expect(topic_box(page, Topic.NEWSLETTER)).to_be_checked()
    expect(topic_box(page, Topic.OFFERS)).to_be_checked()
    expect(topic_box(page, Topic.NOTICES)).not_to_be_checked()

    # when: they press "Çregjistrohu nga të gjitha"
    page.get_by_role("button", name="Çregjistrohu nga të gjitha").click()

    # then: every topic stops and the address goes on the suppression list
    expect(page.get_by_role("heading", level=1)).to_have_text("U çregjistruat")
    expect(page.get_by_role("status")).to_contain_text(
        "Nuk do të merrni më asnjë email marketingu nga 3VFejzo."
    )
    assert not Subscription.objects.filter(subscriber=subscriber, active=True).exists()
    assert is_suppressed(VISITOR_EMAIL)
    events = SubscriptionEvent.objects.filter(subscriber=subscriber)
    assert set(
        events.filter(action=SubscriptionAction.UNSUBSCRIBED).values_list("topic", "channel")
    ) == {
        (Topic.NEWSLETTER, Channel.PREFERENCE_PAGE),
        (Topic.OFFERS, Channel.PREFERENCE_PAGE),
    }
    assert events.filter(
        action=SubscriptionAction.SUPPRESSED, channel=Channel.PREFERENCE_PAGE
    ).exists()

    # and: back on the preference page, nothing is ticked any more
    page.get_by_role("main").get_by_role("link", name="Preferencat e email-it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preferencat e email-it")
    expect(page.get_by_role("main")).to_contain_text("Tani nuk merrni asnjë email marketingu.")
    for topic in Topic:
        expect(topic_box(page, topic)).not_to_be_checked()
