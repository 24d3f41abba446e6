"""Campaigns hold no personal data of their own: recipients are Subscriber rows.

What was mailed to a person is still theirs to see: their download lists each campaign
sent to their subscription (P12).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign, Delivery, DeliveryState
from campaigns.rendering import campaign_language_for
from privacy.download import CHUNK_ROWS, Column, Section, download_section
from privacy.registry import declare
from privacy.subjects import proven_addresses, rows_about

CAMPAIGNS_KEY = "campaigns.sent_campaigns"
CAMPAIGNS_TITLE = gettext_lazy("Email-et e marketingut që ju dërguam")
CAMPAIGNS_NOTE = gettext_lazy("Fushatat me email që ju janë dërguar: subjekti dhe data.")

declare(
    Campaign,
    fields=[],
    not_personal={"name": "The campaign's internal name, written by marketing staff."},
)
DELIVERY = declare(
    Delivery,
    download_title=gettext_lazy("Dërgesat e email-eve të marketingut"),
    fields=[],
    not_personal={},
    subject="subscriber__user",
)


def _campaign_subject(delivery: Delivery) -> str:
    campaign = delivery.campaign
    language = delivery.subscriber.language if delivery.subscriber else "sq"
    english = campaign_language_for(campaign, language) == "en"
    return campaign.subject_en if english else campaign.subject_sq


def _campaigns_section(user: Any) -> Section:
    """The marketing mails sent to the person's subscription, by subject and date."""
    columns = [
        Column(
            "campaign", _("Fushata"), attrgetter("campaign_id"), references="campaigns.Campaign"
        ),
        Column("subject", _("Subjekti"), _campaign_subject),
        Column("sent_at", _("Dërguar më"), attrgetter("sent_at")),
    ]

    def rows() -> Iterable[Any]:
        theirs = rows_about(DELIVERY, user_ids=[user.pk], emails=proven_addresses([user]))
        sent = (
            theirs.filter(state=DeliveryState.SENT)
            .select_related("campaign", "subscriber")
            .only(
                "campaign__subject_sq",
                "campaign__subject_en",
                "campaign__body_en",
                "subscriber__language",
                "sent_at",
            )
            .order_by("sent_at", "pk")
        )
        return sent.iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=CAMPAIGNS_KEY,
        title=str(CAMPAIGNS_TITLE),
        columns=columns,
        rows=rows,
        note=str(CAMPAIGNS_NOTE),
    )


download_section(key=CAMPAIGNS_KEY, title=CAMPAIGNS_TITLE, build=_campaigns_section, position=10)
