from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser

from policy.models import DocumentKind, PolicyAcceptance


def policy_acceptance_record(
    *,
    user: AbstractBaseUser,
    kind: DocumentKind,
    version: int,
    language: str,
    accepted_at: datetime.datetime,
) -> PolicyAcceptance:
    """Record that a person agreed to one exact version of a document (P1)."""
    return PolicyAcceptance.objects.create(
        user=user, kind=kind, version=version, language=language, accepted_at=accepted_at
    )
