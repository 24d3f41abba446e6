from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from consent.state import ConsentState, current_policy_version


def chosen_consent_cookie(*, analytics: bool = False, personalisation: bool = False) -> str:
    """Return the cookie value of a browser that made a current choice."""
    return ConsentState(
        consent_id="0" * 32,
        analytics=analytics,
        personalisation=personalisation,
        revision=settings.CONSENT_BANNER_REVISION,
        policy_version=current_policy_version(),
        decided_at=timezone.now(),
    ).to_cookie()
