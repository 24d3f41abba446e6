from __future__ import annotations

from django.http import Http404

from policy.models import DocumentKind, PolicyVersion

AUTHORITATIVE_LANGUAGE = "sq"


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


def policy_document(
    *, kind: DocumentKind, language: str, version: int | None = None
) -> PolicyVersion:
    """Return a version in the reader's language, or the Albanian text where none exists."""
    number = version or policy_current_version(kind=kind)
    rows = {
        row.language: row
        for row in PolicyVersion.objects.filter(
            kind=kind, version=number, language__in={language, AUTHORITATIVE_LANGUAGE}
        )
    }
    document = rows.get(language) or rows.get(AUTHORITATIVE_LANGUAGE)
    if document is None:
        raise Http404
    return document
