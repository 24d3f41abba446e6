"""A visitor's current cookie choice, read from its own signed cookie (P7).

Reading the choice costs no database query: the cookie carries the choices with the
consent id, the banner revision and policy version they were made under, and when.
The ledger (consent.models.ConsentDecision) is the proof; the cookie is the state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone

from consent.cookies import CONSENT_COOKIE, CookieCategory
from core.clauses import enforces
from policy.models import DocumentKind
from policy.selectors import policy_current_version

SIGNING_SALT = "consent.state"
POLICY_VERSION_CACHE_KEY = "consent:privacy-policy-version"


@dataclass(frozen=True)
class ConsentState:
    consent_id: str
    analytics: bool
    personalisation: bool
    revision: int
    policy_version: int
    decided_at: datetime
    # Whether the banner named Google Analytics when this choice was made: turning GA on
    # later must ask again those who agreed to anonymous statistics only.
    google: bool = False

    def allows(self, category: CookieCategory) -> bool:
        if category == CookieCategory.NECESSARY:
            return True
        if category == CookieCategory.ANALYTICS:
            return self.analytics
        return self.personalisation

    def to_cookie(self) -> str:
        return signing.dumps(
            {
                "id": self.consent_id,
                "a": int(self.analytics),
                "p": int(self.personalisation),
                "r": self.revision,
                "v": self.policy_version,
                "t": int(self.decided_at.timestamp()),
                "g": int(self.google),
            },
            salt=SIGNING_SALT,
        )

    @classmethod
    def from_cookie(cls, value: str) -> ConsentState | None:
        try:
            data = signing.loads(value, salt=SIGNING_SALT)
            return cls(
                consent_id=str(data["id"]),
                analytics=bool(data["a"]),
                personalisation=bool(data["p"]),
                revision=int(data["r"]),
                policy_version=int(data["v"]),
                decided_at=datetime.fromtimestamp(int(data["t"]), tz=UTC),
                google=bool(data.get("g", 0)),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None


def consent_from_request(request: HttpRequest) -> ConsentState | None:
    """Return the choice this browser made, or None if it made none (or a forged one)."""
    if not hasattr(request, "_consent_state"):
        raw = request.COOKIES.get(CONSENT_COOKIE, "")
        request._consent_state = ConsentState.from_cookie(raw) if raw else None  # type: ignore[attr-defined]
    return request._consent_state  # type: ignore[attr-defined,no-any-return]


@enforces("P7", "analytics and personalisation run only for the categories consented to")
def allows(request: HttpRequest, category: CookieCategory) -> bool:
    """Return whether this visitor agreed to this category; necessary ones always.

    A choice that must be asked again (new banner, new policy, too old) no longer
    counts: until the visitor answers, only necessary cookies.
    """
    state = consent_from_request(request)
    if state is None or needs_asking(state):
        return category == CookieCategory.NECESSARY
    return state.allows(category)


# Page views read the policy version from a per-process cache for this long; a new
# version clears this process's copy at once (consent.signals) and the others' within it.
POLICY_VERSION_CACHE_SECONDS = 60


def policy_version_in_force() -> int:
    """Return the privacy policy version in force, from the database."""

    return policy_current_version(kind=DocumentKind.PRIVACY)


def current_policy_version() -> int:
    """Return the privacy policy version in force, cached briefly for page views."""
    version = cache.get(POLICY_VERSION_CACHE_KEY)
    if version is None:
        version = policy_version_in_force()
        cache.set(POLICY_VERSION_CACHE_KEY, version, POLICY_VERSION_CACHE_SECONDS)
    return int(version)


def needs_asking(state: ConsentState | None) -> bool:
    """Return whether the banner must ask: no choice, a new banner or policy, or too old."""
    if state is None:
        return True
    if state.revision < settings.CONSENT_BANNER_REVISION:
        return True
    if settings.GA_MEASUREMENT_ID and state.analytics and not state.google:
        return True
    if state.policy_version < current_policy_version():
        return True
    max_age = timedelta(days=settings.CONSENT_MAX_AGE_DAYS)
    return timezone.now() - state.decided_at > max_age
