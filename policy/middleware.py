"""The notice of a new policy version, once, and acceptance by the next use (P2)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from policy.models import AcceptanceMethod, PolicyVersion
from policy.notice import (
    NOTICE_SESSION_KEY,
    all_accepted,
    is_use,
    notice_accept,
    remember_accepted,
    was_shown,
)
from policy.selectors import policy_current_versions, policy_notices_due


class PolicyNoticeMiddleware:
    """Show the notice of a new version once; record the next use as acceptance (P2)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        notices: list[PolicyVersion] = getattr(request, "policy_notices", [])
        if notices and getattr(request, "policy_notice_rendered", False):
            request.session[NOTICE_SESSION_KEY] = {
                "versions": {version.kind: version.version for version in notices},
                "at": timezone.now().isoformat(),
            }
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> None:
        if not is_use(request):
            return
        current = policy_current_versions()
        if all_accepted(request.session, current):
            return
        due = policy_notices_due(user=request.user)  # type: ignore[arg-type]
        if not due:
            remember_accepted(request.session, current)
        elif was_shown(request.session, due):
            notice_accept(request, due, method=AcceptanceMethod.CONTINUED_USE)
        else:
            request.policy_notices = due  # type: ignore[attr-defined]
