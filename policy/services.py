from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from policy.models import DocumentKind, PolicyAcceptance

if TYPE_CHECKING:
    # The account model, whichever AUTH_USER_MODEL names (django-stubs resolves this alias):
    # policy sits below accounts and does not import it.
    from django.contrib.auth.models import _User


def policy_acceptance_record(
    *,
    user: _User,
    kind: DocumentKind,
    version: int,
    language: str,
    accepted_at: datetime.datetime,
) -> PolicyAcceptance:
    """Record that a person agreed to one exact version of a document (P1)."""
    return PolicyAcceptance.objects.create(
        user=user, kind=kind, version=version, language=language, accepted_at=accepted_at
    )
