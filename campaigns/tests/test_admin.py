"""The campaign back office (P5, P8, P13): marketing sends, others see at most counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.tests.factories import UserFactory
from campaigns.models import Campaign, CampaignStatus, Delivery
from campaigns.services import campaign_start
from campaigns.tests.factories import CampaignFactory, confirmed_visitor, subscribed_customer
from catalog.tests.factories import ProductFactory
from core.testing import run_tasks
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from subscriptions.models import Topic
from subscriptions.services import unsubscribe_one_click

pytestmark = pytest.mark.django_db

ADDRESSES = ["arta.hoxha@example.al", "besnik.krasniqi@example.al"]
ACTIONS = ["send_test", "schedule", "unschedule", "send", "cancel"]
PAGES = ["preview", "preview_html", "progress"]


def url(name: str, campaign: Campaign | None = None) -> str:
    args = [campaign.pk] if campaign is not None else []
    return reverse(f"admin:campaigns_campaign_{name}", args=args)


@pytest.fixture
def subscribers():  # type: ignore[no-untyped-def]
    """Two subscribers of offers with known addresses, and one of another topic."""
    return [
        subscribed_customer([Topic.OFFERS], email=ADDRESSES[0]),
        confirmed_visitor(ADDRESSES[1], [Topic.OFFERS]),
        subscribed_customer([Topic.NEWSLETTER], email="lajme.vetem@example.al"),
    ]


@pytest.fixture
def marketing(client: Client, staff_user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(staff_user)
    return client


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(message) for message in response.context["messages"]]


def _snapshot(campaign: Campaign) -> tuple[object, ...]:
    campaign.refresh_from_db()
    return (
        campaign.status,
        campaign.scheduled_for,
        campaign.subject_sq,
        campaign.started_at,
        Delivery.objects.filter(campaign=campaign).count(),
        DBTaskResult.objects.count(),
    )


def _assert_no_address(html: str) -> None:
    for address in [*ADDRESSES, "lajme.vetem@example.al"]:
        assert address not in html
        assert address.split("@")[0] not in html


# Marketing: the whole journey.


def test_p8_marketing_creates_a_campaign_as_its_author(marketing, staff_user):
    # given
    product = ProductFactory(name_sq="Televizor OLED 55")
    # when
    response = marketing.post(
        url("add"),
        {
            "topic": Topic.OFFERS,
            "name": "Javë e televizorëve",
            "subject_sq": "Televizorë me 20% zbritje",
            "body_sq": "## Ulje\n\nVetëm këtë javë.",
            "subject_en": "",
            "body_en": "",
            "products": [product.pk],
        },
    )
    # then
    campaign = Campaign.objects.get(name="Javë e televizorëve")
    assert response.status_code == 302
    assert response["Location"] == url("change", campaign)
    assert campaign.created_by == staff_user
    assert campaign.status == CampaignStatus.DRAFT
    assert list(campaign.products.all()) == [product]


def test_p8_english_needs_both_subject_and_body(marketing):
    response = marketing.post(
        url("add"),
        {"topic": Topic.OFFERS, "name": "x", "subject_sq": "S", "body_sq": "B", "subject_en": "E"},
    )
    assert response.status_code == 200
    assert "body_en" in response.context["adminform"].form.errors
    assert not Campaign.objects.exists()


def test_p8_product_picker_offers_active_products_only(marketing):
    ProductFactory(name_sq="Lavatriçe aktive")
    ProductFactory(name_sq="Frigorifer i hequr", is_active=False)
    html = marketing.get(url("add")).content.decode()
    assert "Lavatriçe aktive" in html
    assert "Frigorifer i hequr" not in html


def test_p8_change_page_states_the_audience_as_a_number(marketing, subscribers):
    campaign = CampaignFactory(topic=Topic.OFFERS)
    response = marketing.get(url("change", campaign))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>2</strong> abonentëve" in html
    assert "Oferta dhe zbritje" in html
    _assert_no_address(html)


def test_p8_preview_shows_subject_html_and_text_for_each_language(marketing):
    campaign = CampaignFactory(subject_en="TVs at 20% off", body_en="## Sale\n\nThis week.")
    # the page: subject, the framed HTML, the text part, a link per language
    html = marketing.get(url("preview", campaign), {"lang": "sq"}).content.decode()
    assert "Ofertat e javës: televizorë me 20% zbritje" in html
    assert f'src="{url("preview_html", campaign)}?lang=sq"' in html
    assert 'sandbox=""' in html
    assert "Ulje çmimesh" in html  # the Markdown text part
    assert f"{url('preview', campaign)}?lang=en" in html
    english = marketing.get(url("preview", campaign), {"lang": "en"}).content.decode()
    assert "TVs at 20% off" in english
    # the HTML on its own, the only response allowed its inline styles
    response = marketing.get(url("preview_html", campaign), {"lang": "sq"})
    policy = response["Content-Security-Policy"]
    assert response.status_code == 200
    assert "Ulje çmimesh</h2>" in response.content.decode()
    assert "style-src 'unsafe-inline'" in policy
    assert "script-src 'none'" in policy and "sandbox" in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    page_policy = marketing.get(url("preview", campaign))["Content-Security-Policy"]
    assert "unsafe-inline" not in page_policy


def test_p8_test_send_reaches_only_the_staff_member_marked_test(
    marketing, smtp_server, subscribers
):
    # given
    campaign = CampaignFactory()
    before = _snapshot(campaign)
    # when
    response = marketing.post(url("send_test", campaign), {"language": "sq"}, follow=True)
    # then
    assert "U dërgua një provë te m***@3***.al." in _messages(response)
    [mail] = smtp_server.messages
    assert mail.recipients == ["marketing@3vfejzo.al"]
    assert mail.subject.startswith("[TEST] ")
    assert "Ofertat e javës" in mail.subject
    assert _snapshot(campaign) == before
    _assert_no_address(response.content.decode())


def test_p8_schedule_unschedule_then_send_now_delivers_and_progress_counts(
    marketing, smtp_server, subscribers
):
    campaign = CampaignFactory(topic=Topic.OFFERS)
    # schedule, in Tirana time
    when = timezone.localtime() + timedelta(days=2)
    response = marketing.post(
        url("schedule", campaign), {"when": when.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SCHEDULED
    assert campaign.scheduled_for == when.replace(second=0, microsecond=0)
    assert any("ora e Tiranës" in message for message in _messages(response))
    # unschedule
    marketing.post(url("unschedule", campaign))
    campaign.refresh_from_db()
    assert (campaign.status, campaign.scheduled_for) == (CampaignStatus.DRAFT, None)
    # send now: the confirmation states the audience and the topic before any POST
    confirm = marketing.get(url("send", campaign)).content.decode()
    assert "<strong>2</strong> abonentëve" in confirm
    assert "Oferta dhe zbritje" in confirm
    assert 'method="post"' in confirm
    assert not Delivery.objects.exists()
    response = marketing.post(url("send", campaign))
    assert response["Location"] == url("progress", campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENDING
    # the worker delivers; the progress page counts
    run_tasks()
    assert sorted(a for mail in smtp_server.messages for a in mail.recipients) == sorted(ADDRESSES)
    progress = marketing.get(url("progress", campaign))
    html = progress.content.decode()
    assert progress.status_code == 200
    assert "Dërguar 2 nga 2 mesazhe." in html
    assert progress.context["progress"].sent == 2
    assert '<rect class="campaign-bar campaign-bar-sent" x="0" y="0" width="1000"' in html
    assert "<table" in html and "Mesazhet sipas gjendjes" in html  # the text equivalent
    _assert_no_address(html)
    listing = marketing.get(url("changelist")).content.decode()
    assert "2 / 2" in listing


def test_p13_progress_counts_unsubscribes_from_the_campaign(marketing, smtp_server, subscribers):
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=None)
    run_tasks()
    link = smtp_server.messages[0]["List-Unsubscribe"].strip("<>")
    unsubscribe_one_click(token=urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1])
    response = marketing.get(url("progress", campaign))
    assert response.context["progress"].unsubscribed_since == 1
    assert "Çregjistruar që atëherë: <strong>1</strong>" in response.content.decode()


def test_p8_cancel_while_sending_stops_what_is_not_sent(marketing, smtp_server, subscribers):
    # given a campaign that started but whose worker has not run yet
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=None)
    # when
    confirm = marketing.get(url("cancel", campaign)).content.decode()
    assert "Po, anuloje" in confirm
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.SENDING
    marketing.post(url("cancel", campaign))
    run_tasks()
    # then
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert smtp_server.messages == []
    progress = marketing.get(url("progress", campaign)).context["progress"]
    assert (progress.sent, progress.skipped) == (0, 2)


def test_p8_send_now_without_subscribers_says_so_and_changes_nothing(marketing):
    campaign = CampaignFactory(topic=Topic.NOTICES)
    before = _snapshot(campaign)
    response = marketing.post(url("send", campaign), follow=True)
    assert any(message.startswith("Asnjë abonent") for message in _messages(response))
    assert _snapshot(campaign) == before


@pytest.mark.parametrize("status", [CampaignStatus.SENDING, CampaignStatus.SENT])
def test_p8_a_started_campaign_cannot_be_scheduled_or_started_again(marketing, subscribers, status):
    campaign = CampaignFactory(status=status)
    before = _snapshot(campaign)
    when = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for action, data in [("send", {}), ("schedule", {"when": when}), ("unschedule", {})]:
        response = marketing.post(url(action, campaign), data, follow=True)
        assert any("nuk mund" in message for message in _messages(response)), action
        assert _snapshot(campaign) == before


def test_p8_schedule_in_the_past_is_refused(marketing):
    campaign = CampaignFactory()
    before = _snapshot(campaign)
    past = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = marketing.post(url("schedule", campaign), {"when": past})
    assert response.status_code == 200
    assert "Zgjidhni një kohë në të ardhmen." in response.content.decode()
    assert _snapshot(campaign) == before


def test_p8_a_sent_campaign_is_read_only(marketing, smtp_server, subscribers):
    campaign = CampaignFactory()
    campaign_start(campaign=campaign, actor=None)
    run_tasks()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.SENT
    page = marketing.get(url("change", campaign))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="subject_sq"' not in html and 'name="_save"' not in html
    assert "Dërgo tani" not in html and "Planifiko" not in html
    response = marketing.post(
        url("change", campaign),
        {"topic": Topic.OFFERS, "name": "Ndryshuar", "subject_sq": "Ndryshuar", "body_sq": "x"},
    )
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.subject_sq == "Ofertat e javës: televizorë me 20% zbritje"


def test_p8_get_on_an_action_url_changes_nothing(marketing, subscribers, smtp_server):
    campaign = CampaignFactory()
    before = _snapshot(campaign)
    for action in ACTIONS:
        response = marketing.get(url(action, campaign))
        assert response.status_code in (200, 405), action
    assert _snapshot(campaign) == before
    assert smtp_server.messages == []


def test_p8_a_post_without_the_csrf_token_is_refused(staff_user, subscribers):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    campaign = CampaignFactory()
    before = _snapshot(campaign)
    for action in ACTIONS:
        assert client.post(url(action, campaign)).status_code == 403, action
    assert _snapshot(campaign) == before


# Everyone else.


@pytest.mark.parametrize("role", [Role.CUSTOMER_CARE, Role.SALES, None])
def test_p5_staff_and_customers_without_the_permission_are_refused_everywhere(
    client, subscribers, smtp_server, role
):
    # given
    person = StaffFactory(role=role) if role is not None else UserFactory()
    client.force_login(person)
    campaign = CampaignFactory()
    before = _snapshot(campaign)
    # when, then
    urls = [url("changelist"), url("add"), url("change", campaign)]
    urls += [url(name, campaign) for name in [*ACTIONS, *PAGES]]
    for target in urls:
        for method in (client.get, client.post):
            response = method(target, {"language": "sq"})
            refused = response.status_code == 403 or (
                role is None
                and response.status_code == 302
                and response["Location"].startswith(reverse("admin:login"))
            )
            assert refused, (target, method, response.status_code)
            _assert_no_address(response.content.decode())
    assert _snapshot(campaign) == before
    assert smtp_server.messages == []


@pytest.mark.parametrize("role", [Role.DATA_PROTECTION_OFFICER, Role.ADMINISTRATOR])
def test_p5_dpo_and_administrator_see_counts_but_cannot_send(
    client, subscribers, smtp_server, role
):
    client.force_login(StaffFactory(role=role))
    campaign = CampaignFactory()
    before = _snapshot(campaign)
    # they see the list, the campaign (read-only), the previews and the progress
    for page in [url("changelist"), url("change", campaign)] + [
        url(name, campaign) for name in PAGES
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
        _assert_no_address(response.content.decode())
    html = client.get(url("change", campaign)).content.decode()
    assert "<strong>2</strong> abonentëve" in html
    assert 'name="_save"' not in html and "Dërgo tani" not in html
    # and cannot send, schedule, test or cancel
    for action in ACTIONS:
        assert client.get(url(action, campaign)).status_code == 403, action
        assert client.post(url(action, campaign), {"language": "sq"}).status_code == 403
    assert client.post(url("add"), {"topic": Topic.OFFERS, "name": "x"}).status_code == 403
    assert _snapshot(campaign) == before
    assert smtp_server.messages == []


def test_p5_no_campaign_page_shows_a_subscriber_address(marketing, smtp_server, subscribers):
    # given a campaign that went out to known addresses, and a draft
    sent = CampaignFactory(subject_en="Offers", body_en="Offers of the week.")
    campaign_start(campaign=sent, actor=None)
    run_tasks()
    draft = CampaignFactory()
    pages = [url("changelist"), url("changelist") + "?status=sent", url("add")]
    for campaign in (sent, draft):
        pages += [url("change", campaign), url("history", campaign)]
        pages += [url(name, campaign) for name in PAGES]
        pages += [url("preview", campaign) + "?lang=en", url("preview_html", campaign) + "?lang=en"]
    pages += [url(name, draft) for name in ("schedule", "send", "cancel")]
    pages += [url("cancel", sent)]
    # when, then
    for page in pages:
        response = marketing.get(page)
        assert response.status_code == 200, page
        _assert_no_address(response.content.decode())


def test_p5_deliveries_have_no_back_office_page():
    from django.contrib import admin

    assert Delivery not in admin.site._registry
    assert not admin.site._registry[Campaign].get_inlines(None, None)  # type: ignore[arg-type]


def test_admin_index_shows_campaigns_to_marketing_only(client, marketing):
    html = marketing.get(reverse("admin:index")).content.decode()
    assert url("changelist") in html and "Fushatat me email" in html
    client.force_login(StaffFactory(role=Role.CUSTOMER_CARE))
    html = client.get(reverse("admin:index")).content.decode()
    assert url("changelist") not in html


def test_p8_a_start_time_is_read_in_tirana_time(marketing):
    campaign = CampaignFactory()
    marketing.post(url("schedule", campaign), {"when": "2030-06-01T10:00"})
    campaign.refresh_from_db()
    # Tirana keeps summer time in June: UTC+2.
    assert campaign.scheduled_for.astimezone(UTC) == datetime(2030, 6, 1, 8, 0, tzinfo=UTC)


def test_p8_a_test_that_the_mail_server_refuses_is_reported(marketing, settings):
    from config.env import email_settings
    from core.testing import free_port

    for name, value in email_settings(f"smtp://127.0.0.1:{free_port()}?timeout=2").items():
        setattr(settings, name, value)
    campaign = CampaignFactory()
    response = marketing.post(url("send_test", campaign), {"language": "sq"}, follow=True)
    assert any(message.startswith("Prova nuk u dërgua") for message in _messages(response))
