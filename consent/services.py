"""Record cookie decisions (P7): the ledger row is written before the cookie is set."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from consent.models import ConsentDecision, DecisionAction, DecisionChannel
from consent.state import ConsentState, policy_version_in_force
from privacy.crypto import blind_index

USER_AGENT_PURPOSE = "consent.user_agent"


def user_agent_hash(user_agent: str) -> str:
    return blind_index(user_agent[:512], purpose=USER_AGENT_PURPOSE) if user_agent else ""


@transaction.atomic
def consent_decide(
    *,
    previous: ConsentState | None,
    analytics: bool,
    personalisation: bool,
    action: DecisionAction,
    channel: DecisionChannel,
    user: Any | None,
    user_agent: str,
) -> ConsentState:
    """Record a decision in the ledger and return the state the visitor's cookie keeps.

    The consent id stays the same across a browser's decisions, so the ledger shows
    the history of one browser's choice.
    """
    state = ConsentState(
        consent_id=previous.consent_id if previous else uuid.uuid4().hex,
        analytics=analytics,
        personalisation=personalisation,
        revision=settings.CONSENT_BANNER_REVISION,
        # The proof names the version in force now, not a cached one.
        policy_version=policy_version_in_force(),
        decided_at=timezone.now(),
        google=bool(settings.GA_MEASUREMENT_ID),
    )
    ConsentDecision.objects.create(
        consent_id=state.consent_id,
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        channel=channel,
        analytics=analytics,
        personalisation=personalisation,
        banner_revision=state.revision,
        policy_version=state.policy_version,
        google_analytics=state.google,
        user_agent_hash=user_agent_hash(user_agent),
        decided_at=state.decided_at,
    )
    return state


def consent_link_account(*, state: ConsentState, user: Any, user_agent: str) -> ConsentDecision:
    """Record that the browser's current choice now belongs to this account too."""
    return ConsentDecision.objects.create(
        consent_id=state.consent_id,
        user=user,
        action=DecisionAction.LINK_ACCOUNT,
        channel=DecisionChannel.SIGN_IN,
        analytics=state.analytics,
        personalisation=state.personalisation,
        banner_revision=state.revision,
        policy_version=state.policy_version,
        google_analytics=state.google,
        user_agent_hash=user_agent_hash(user_agent),
        decided_at=timezone.now(),
    )
