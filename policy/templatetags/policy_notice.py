"""{% policy_notice %}: the notice of a new version, where base.html puts it (P2)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from policy.notice import notice_items

register = template.Library()


@register.inclusion_tag("policy/_notice.html", takes_context=True)
def policy_notice(context: template.Context) -> dict[str, Any]:
    """Render the notice the middleware found due, and tell it the notice was shown."""
    request = context.get("request")
    due = getattr(request, "policy_notices", None) if request is not None else None
    if not due:
        return {"items": []}
    request.policy_notice_rendered = True  # type: ignore[union-attr]
    return {
        "items": notice_items(due, language=get_language() or "sq"),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
