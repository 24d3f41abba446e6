"""A material change of the policy or the terms, mailed to every customer (P2).

A service notice, not marketing: it reaches customers who opted out of every topic,
and stops only at an address that hard-bounced (campaigns.engine). It goes through the
campaign engine, so each customer gets it at most once, crashes included.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, CampaignKind, CampaignStatus
from campaigns.services import CampaignEmpty, campaign_start
from policy.models import PolicyVersion
from policy.notice import diff_url
from policy.rendering import format_document_date
from subscriptions.models import Topic

logger = logging.getLogger(__name__)


def _subject_and_body(version: PolicyVersion, language: str) -> tuple[str, str]:
    with translation.override(language):
        path = diff_url(kind=version.kind, old=version.version - 1, new=version.version)
        link = f"{settings.SITE_URL}{path}"
        subject = _("Ndryshuam „%(title)s”") % {"title": version.title}
        body = "\n\n".join(
            [
                version.summary.strip(),
                f"[{_('Shikoni çfarë ndryshoi')}]({link})",
                _(
                    "Versioni %(version)s është në fuqi nga %(date)s. Duke vazhduar të "
                    "përdorni 3vfejzo.al, pranoni versionin e ri."
                )
                % {
                    "version": version.version,
                    "date": format_document_date(version.effective_date, language=language),
                },
            ]
        )
    return subject, body


def service_notice_for_policy(
    *, version: PolicyVersion, translation_row: PolicyVersion | None, actor: User | None
) -> Campaign | None:
    """Mail the change to every customer, in the caller's transaction; None if nobody."""
    subject_sq, body_sq = _subject_and_body(version, "sq")
    subject_en = body_en = ""
    if translation_row is not None and translation_row.summary.strip():
        subject_en, body_en = _subject_and_body(translation_row, "en")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            kind=CampaignKind.SERVICE_NOTICE,
            topic=Topic.NOTICES,
            name=f"{version.get_kind_display()} v{version.version}"[:120],
            subject_sq=subject_sq[:150],
            body_sq=body_sq,
            subject_en=subject_en[:150],
            body_en=body_en,
            created_by=actor,
        )
        try:
            campaign_start(campaign=campaign, actor=actor)
        except CampaignEmpty:
            logger.info("service notice with no customer to reach", extra={"campaign": campaign.pk})
            Campaign.objects.filter(pk=campaign.pk).update(
                status=CampaignStatus.SENT, finished_at=timezone.now()
            )
            return None
    return campaign
