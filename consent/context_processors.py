from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from consent.cookies import CookieCategory
from consent.forms import ConsentForm
from consent.state import allows, consent_from_request, needs_asking


def consent(request: HttpRequest) -> dict[str, Any]:
    """Whether to show the banner, and what analytics may run, for every page."""
    state = consent_from_request(request)
    asking = needs_asking(state)
    analytics = bool(state and not asking and state.analytics)
    personalisation = bool(state and not asking and state.personalisation)
    return {
        "consent": state,
        "consent_banner_needed": asking,
        # Said only when the visitor is asked again because the banner changed.
        "consent_revision_note": (
            settings.CONSENT_REVISION_NOTE
            if asking and state is not None and state.revision < settings.CONSENT_BANNER_REVISION
            else ""
        ),
        # Reopened from "Cilësimet e cookies", the banner shows the standing choice;
        # asking afresh, nothing is ticked. Built only when a page is rendered, not when
        # it is served from a shared cache keyed on what the form would show.
        "consent_banner_form": SimpleLazyObject(
            lambda: ConsentForm(
                initial={
                    "next": request.get_full_path(),
                    "analytics": analytics,
                    "personalisation": personalisation,
                }
            )
        ),
        # Everything the banner shows about this browser's choice, as one value.
        "consent_key": f"{asking}:{analytics}:{personalisation}",
        "ga_measurement_id": settings.GA_MEASUREMENT_ID,
        "analytics_granted": allows(request, CookieCategory.ANALYTICS),
    }
