from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"CONTACT_EMAIL": settings.CONTACT_EMAIL, "SITE_URL": settings.SITE_URL}
