"""What the consent app does at sign-in, and when the policy changes (P7)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest

from consent.services import consent_link_account
from consent.state import POLICY_VERSION_CACHE_KEY, consent_from_request, needs_asking


@receiver(user_logged_in, dispatch_uid="consent.link_account")
def _link_consent_to_account(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    state = consent_from_request(request) if request is not None else None
    # A choice that must be asked again is not carried over to the account.
    if state is not None and not needs_asking(state):
        consent_link_account(
            state=state, user=user, user_agent=request.META.get("HTTP_USER_AGENT", "")
        )


@receiver(post_save, sender="policy.PolicyVersion", dispatch_uid="consent.policy_version")
def _forget_cached_policy_version(**kwargs: Any) -> None:
    cache.delete(POLICY_VERSION_CACHE_KEY)
