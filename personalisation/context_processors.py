"""Whether the page shows this visitor's own history, for every template (P7)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from personalisation.history import history_read


def personal_page(request: HttpRequest) -> dict[str, Any]:
    """``page_is_personal``: the visitor has a history their pages draw on, so no page
    they see may be served to, or from, a cache other visitors share."""
    return {"page_is_personal": SimpleLazyObject(lambda: bool(history_read(request)))}
