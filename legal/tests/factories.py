"""A request from the police as the legal register's tests and others register it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from legal.models import AuthorityKind, LegalRequest
from legal.services import DocumentUpload, legal_request_register
from privacy.registry import Category


def police_request_register(*, people: list[User], actor: User, **changes: Any) -> LegalRequest:
    """Register a request about `people` (police, a month back, contact and identity, one
    document) through the service; `changes` replace any of its details."""
    today = timezone.localdate()
    details: dict[str, Any] = {
        "authority_kind": AuthorityKind.POLICE,
        "requester": "Drejtoria Vendore e Policisë Tiranë",
        "legal_basis": "Kodi i Procedurës Penale, neni 191",
        "reference": "Prot. 1234/5",
        "received_on": today,
        "deadline": today + timedelta(days=10),
        "people": people,
        "categories": [Category.IDENTITY, Category.CONTACT],
        "period_start": today - timedelta(days=30),
        "period_end": today,
        "documents": [
            DocumentUpload(
                title="Urdhër i prokurorisë",
                content=b"%PDF-1.4 urdher",
                content_type="application/pdf",
            )
        ],
        "actor": actor,
        **changes,
    }
    return legal_request_register(**details)
