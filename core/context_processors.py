from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.clauses import enforces


@enforces("P15", "every page and mail gets the contact address info@3vfejzo.al")
def site(request: HttpRequest) -> dict[str, Any]:
    return {"CONTACT_EMAIL": settings.CONTACT_EMAIL, "SITE_URL": settings.SITE_URL}
