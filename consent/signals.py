from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from consent.services import consent_link_account
from consent.state import consent_from_request


@receiver(user_logged_in, dispatch_uid="consent.link_account")
def _link_consent_to_account(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    state = consent_from_request(request) if request is not None else None
    if state is not None:
        consent_link_account(
            state=state, user=user, user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
