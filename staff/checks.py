"""Deployment checks for the back office (P14)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

STAFF_2FA_OFF = "staff.W001"


@checks.register(checks.Tags.security, deploy=True)
def check_staff_two_factor(**kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when a deployment lets staff into the back office with a password alone."""
    if settings.FEJZO_STAFF_2FA:
        return []
    return [
        checks.Warning(
            "FEJZO_STAFF_2FA is off: the back office admits staff with a password alone.",
            hint="Unset FEJZO_STAFF_2FA or set it to 1; clause P14 promises staff two-factor "
            "sign-in.",
            id=STAFF_2FA_OFF,
        )
    ]
