"""Campaign reads for the back office: counts only, never who received what (P5, P8)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, CampaignStatus, DeliveryState
from campaigns.rendering import campaign_language_for
from campaigns.services import Progress

LANGUAGE_LABELS = {"sq": _("shqip"), "en": _("anglisht")}
EDITABLE_STATUSES = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED)


def campaigns_with_counts(queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Return the campaigns with `sent_count` and `total_count` of their deliveries."""
    return queryset.annotate(
        sent_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.SENT)),
        total_count=Count("deliveries"),
    )


def campaign_is_editable(campaign: Campaign) -> bool:
    """Return whether the campaign's content may still change (draft or scheduled)."""
    return campaign.status in EDITABLE_STATUSES


def campaign_languages(campaign: Campaign) -> list[str]:
    """Return the languages the campaign is written in, Albanian first."""
    return [code for code in LANGUAGE_LABELS if campaign_language_for(campaign, code) == code]


@dataclass(frozen=True)
class ChartBar:
    """One state's share of a campaign's messages, for the stacked bar and its table."""

    key: str
    label: str
    count: int
    percent: float
    # Position and width on the chart's 0–1000 scale.
    x: int
    width: int


CHART_SCALE = 1000


def progress_bars(progress: Progress, *, cancelled: bool = False) -> list[ChartBar]:
    """Return the states that add up to the total, with their place on a stacked bar."""
    # Cancelling withdraws the queued rows as skipped: the same count then holds both.
    skipped = (
        _("Nuk u dërguan (anuluar, çregjistruar ose bllokuar)")
        if cancelled
        else _("Nuk u dërguan (çregjistruar ose bllokuar më parë)")
    )
    rows = [
        ("sent", _("Dërguar"), progress.sent),
        ("sending", _("Në dërgim"), progress.sending),
        ("queued", _("Në radhë"), progress.queued),
        ("skipped", skipped, progress.skipped),
        ("failed", _("Dështuan"), progress.failed),
    ]
    total = progress.total
    bars = []
    x = 0
    for key, label, count in rows:
        share = count / total if total else 0.0
        width = round(share * CHART_SCALE)
        bars.append(
            ChartBar(
                key=key,
                label=str(label),
                count=count,
                percent=round(share * 100, 1),
                x=x,
                width=min(width, CHART_SCALE - x),
            )
        )
        x = min(x + width, CHART_SCALE)
    return bars


def campaigns_recent(*, limit: int) -> QuerySet[Campaign]:
    """Return the latest campaigns, newest first, with their delivery counts (one query)."""
    return campaigns_with_counts(Campaign.objects.order_by("-created_at", "-pk"))[:limit]
