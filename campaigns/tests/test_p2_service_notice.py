"""A material change of the policy is mailed to every customer as a service notice (P2).

Being a service notice, it ignores marketing opt-outs but honours hard-bounce
suppression, and reaches each customer once.
"""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from campaigns.engine import campaign_drain
from campaigns.models import Campaign, CampaignKind, CampaignStatus, Delivery, DeliveryState
from campaigns.tests.factories import subscribed_customer
from core.testing import run_tasks
from policy.models import DocumentKind, PolicyVersion
from policy.services import policy_draft_save, policy_publish
from privacy.models import AccessEntry, Job
from privacy.roles import Role
from staff.tests.factories import StaffFactory
from subscriptions.models import Channel, SuppressionReason, Topic
from subscriptions.services import suppression_add, unsubscribe_all

pytestmark = pytest.mark.django_db

SUMMARY = "Faturat i ruajmë tani për pesë vjet."


def _publish(*, material: bool) -> PolicyVersion:
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    current = PolicyVersion.objects.get(kind=DocumentKind.PRIVACY, version=1, language="sq")
    draft = policy_draft_save(
        draft=None,
        actor=dpo,
        kind=DocumentKind.PRIVACY,
        title_sq=current.title,
        body_sq=current.body + "\nFaturat i ruajmë për pesë vjet.\n",
        summary_sq=SUMMARY,
    )
    return policy_publish(draft=draft, actor=dpo, material=material)


def _recipients(smtp_server) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(address for mail in smtp_server.messages for address in mail.recipients)


def test_p2_material_change_reaches_opted_out_customers_but_not_hard_bounced(smtp_server):
    # given a customer who never ticked marketing, one who unsubscribed from everything,
    # one whose address hard-bounced, and people who are not customers to mail
    plain = UserFactory(email="pa-marketing@example.al")
    opted_out = subscribed_customer([Topic.OFFERS], email="cregjistruar@example.al")
    unsubscribe_all(subscriber=opted_out, channel=Channel.PREFERENCE_PAGE, actor=opted_out.user)
    bounced = UserFactory(email="nuk-ekziston@example.al")
    suppression_add(
        email=bounced.email, reason=SuppressionReason.HARD_BOUNCE, channel=Channel.BOUNCE
    )
    UserFactory(email="paverifikuar@example.al", email_verified_at=None)
    UserFactory(email="joaktiv@example.al", is_active=False)

    # when the officer publishes a material change and the workers run, twice
    _publish(material=True)
    run_tasks()
    run_tasks()

    # then the opted-out customer gets it, the hard-bounced one does not, nobody twice
    assert _recipients(smtp_server) == sorted([plain.email, opted_out.email])
    campaign = Campaign.objects.get()
    assert campaign.kind == CampaignKind.SERVICE_NOTICE
    assert campaign.status == CampaignStatus.SENT
    states = {row.user.email: row.state for row in Delivery.objects.select_related("user")}
    assert states[bounced.email] == DeliveryState.SKIPPED
    assert Delivery.objects.filter(state=DeliveryState.SENT).count() == 2
    assert AccessEntry.objects.filter(
        actor_label=Job.SEND_CAMPAIGN, fields="accounts.User.email"
    ).exists()
    assert "nuk-ekziston" not in "".join(AccessEntry.objects.values_list("reference", flat=True))
    # the drain again, as after a crash: nothing more goes out
    campaign_drain(campaign.pk)
    assert len(smtp_server.messages) == 2


def test_p2_service_notice_offers_no_unsubscribe_and_links_the_difference(smtp_server):
    UserFactory(email="klienti@example.al")
    _publish(material=True)
    run_tasks()
    [mail] = smtp_server.messages
    assert mail["List-Unsubscribe"] is None
    assert mail["List-Unsubscribe-Post"] is None
    text = mail.part("plain")
    assert SUMMARY in text
    assert "/privatesia/versionet/krahaso/?dokumenti=privatesia&nga=1&deri=2" in text
    assert "njoftim shërbimi" in text
    assert "Çregjistrohuni" not in text


def test_p2_hard_bounce_after_the_start_still_stops_the_notice(smtp_server):
    customer = UserFactory(email="do-kthehet@example.al")
    _publish(material=True)
    suppression_add(
        email=customer.email, reason=SuppressionReason.HARD_BOUNCE, channel=Channel.BOUNCE
    )
    run_tasks()
    assert smtp_server.messages == []
    assert Delivery.objects.get().state == DeliveryState.SKIPPED


def test_p2_a_change_not_marked_material_mails_nobody(smtp_server):
    UserFactory(email="klienti@example.al")
    _publish(material=False)
    run_tasks()
    assert not Campaign.objects.exists()
    assert smtp_server.messages == []


def test_p2_marketing_campaigns_still_honour_opt_outs(smtp_server, staff_user):
    from campaigns.services import campaign_start
    from campaigns.tests.factories import CampaignFactory

    opted_out = subscribed_customer([Topic.OFFERS], email="cregjistruar@example.al")
    unsubscribe_all(subscriber=opted_out, channel=Channel.PREFERENCE_PAGE, actor=opted_out.user)
    subscribed_customer([Topic.OFFERS], email="abonuar@example.al")
    campaign_start(campaign=CampaignFactory(topic=Topic.OFFERS), actor=staff_user)
    run_tasks()
    assert _recipients(smtp_server) == ["abonuar@example.al"]
