from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Max, QuerySet
from django.http import Http404

from policy.models import DocumentKind, PolicyAcceptance, PolicyDraft, PolicyVersion

if TYPE_CHECKING:
    from django.contrib.auth.models import _User

AUTHORITATIVE_LANGUAGE = "sq"
# Page views read the versions in force from a per-process cache for this long; a
# publication clears this process's copy at once and the others' within it (as consent).
CURRENT_VERSIONS_CACHE_KEY = "policy:current-versions"
CURRENT_VERSIONS_CACHE_SECONDS = 60


class VersionNotFound(Http404):
    """No published version of this document has that number."""


def policy_current_version(*, kind: DocumentKind) -> int:
    """Return the number of the version in force: the newest authoritative (Albanian) one."""
    version = (
        PolicyVersion.objects.filter(kind=kind, language=AUTHORITATIVE_LANGUAGE)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    if version is None:
        raise Http404(f"No published {kind} document.")
    return version


def policy_current_versions() -> dict[str, int]:
    """Return the version in force of every published document, cached briefly."""
    versions = cache.get(CURRENT_VERSIONS_CACHE_KEY)
    if versions is None:
        versions = dict(
            PolicyVersion.objects.filter(language=AUTHORITATIVE_LANGUAGE)
            .values("kind")
            .annotate(newest=Max("version"))
            .values_list("kind", "newest")
        )
        cache.set(CURRENT_VERSIONS_CACHE_KEY, versions, CURRENT_VERSIONS_CACHE_SECONDS)
    return dict(versions)


def policy_document(
    *, kind: DocumentKind, language: str, version: int | None = None
) -> PolicyVersion:
    """Return a version in the reader's language, or the Albanian text where none exists."""
    number = policy_current_version(kind=kind) if version is None else version
    rows = {
        row.language: row
        for row in PolicyVersion.objects.filter(
            kind=kind, version=number, language__in={language, AUTHORITATIVE_LANGUAGE}
        )
    }
    document = rows.get(language) or rows.get(AUTHORITATIVE_LANGUAGE)
    if document is None:
        raise VersionNotFound
    return document


def policy_versions_archive() -> QuerySet[PolicyVersion]:
    """Return every published version's authoritative row, each document newest first."""
    return PolicyVersion.objects.filter(language=AUTHORITATIVE_LANGUAGE).order_by(
        "kind", "-version"
    )


def policy_accepted_versions(*, user: _User) -> dict[str, int]:
    """Return, per document, the newest version this person accepted."""
    return dict(
        PolicyAcceptance.objects.filter(user=user)
        .values("kind")
        .annotate(newest=Max("version"))
        .values_list("kind", "newest")
    )


def policy_notices_due(*, user: _User) -> list[PolicyVersion]:
    """Return the versions published since this person last accepted their document.

    Only versions published through the platform (2 onwards) carry a notice: an account
    made before any record of acceptance is not told that version 1 is new.
    """
    accepted = policy_accepted_versions(user=user)
    due = []
    for kind, current in sorted(policy_current_versions().items()):
        if current > 1 and accepted.get(kind, 0) < current:
            due.append(PolicyVersion.objects.get(kind=kind, version=current, language="sq"))
    return due


def policy_drafts_open() -> QuerySet[PolicyDraft]:
    """Return the drafts not yet published, newest first."""
    return PolicyDraft.objects.filter(published_at__isnull=True)
