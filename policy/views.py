from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from policy.diff import text_diff
from policy.models import AcceptanceMethod, DocumentKind, PolicyVersion
from policy.notice import DOCUMENT_SLUGS, notice_accept, notice_forget
from policy.rendering import format_document_date, policy_blocks
from policy.selectors import (
    VersionNotFound,
    policy_current_version,
    policy_document,
    policy_notices_due,
    policy_versions_archive,
)

KINDS_BY_SLUG = {slug: kind for kind, slug in DOCUMENT_SLUGS.items()}


def _language() -> str:
    return get_language() or "sq"


def _document_page(
    request: HttpRequest, kind: DocumentKind, version: int | None = None
) -> HttpResponse:
    language = _language()
    document = policy_document(kind=kind, language=language, version=version)
    current = policy_current_version(kind=kind)
    return render(
        request,
        "policy/document.html",
        {
            "document": document,
            "blocks": policy_blocks(document.body, title=document.title),
            "effective_date": format_document_date(document.effective_date, language=language),
            "authoritative_url": translate_url(request.path, "sq"),
            "is_current": document.version == current,
            "current_url": reverse(f"policy:{kind.value}"),
            "archive_url": reverse("policy:archive"),
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return _document_page(request, DocumentKind.PRIVACY)


def terms(request: HttpRequest) -> HttpResponse:
    return _document_page(request, DocumentKind.TERMS)


def version(request: HttpRequest, document: str, number: int) -> HttpResponse:
    """One version of a document as it was published, with its own date (P2, P16)."""
    kind = KINDS_BY_SLUG.get(document)
    if kind is None:
        return _archive(request, error=_("Ky dokument nuk ekziston."), status=404)
    try:
        return _document_page(request, kind, number)
    except VersionNotFound:
        return _archive(
            request,
            error=_("Versioni %(number)s i këtij dokumenti nuk ekziston.") % {"number": number},
            status=404,
        )


def _archive_groups(language: str) -> list[dict[str, object]]:
    groups: dict[str, list[dict[str, object]]] = {}
    for row in policy_versions_archive():
        groups.setdefault(row.kind, []).append(
            {
                "version": row.version,
                "title": row.title,
                "effective_date": format_document_date(row.effective_date, language=language),
                "effective_iso": row.effective_date.isoformat(),
                "url": reverse(
                    "policy:version", args=[DOCUMENT_SLUGS[DocumentKind(row.kind)], row.version]
                ),
                "summary": row.summary,
            }
        )
    return [
        {
            "kind": kind,
            "slug": DOCUMENT_SLUGS[kind],
            "label": kind.label,
            "versions": groups.get(kind.value, []),
        }
        for kind in DocumentKind
    ]


def _archive(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "policy/archive.html",
        {"groups": _archive_groups(_language()), "error": error},
        status=status,
    )


def archive(request: HttpRequest) -> HttpResponse:
    """Every published version of the policy and the terms, with its date (P2)."""
    return _archive(request)


def _number(value: str | None, default: int) -> int | None:
    if value is None or value == "":
        return default
    return int(value) if value.isdigit() else None


def _pair_language(kind: DocumentKind, numbers: tuple[int, int], language: str) -> str:
    """The reader's language when both versions were written in it, else Albanian."""
    if language == "sq":
        return "sq"
    written = PolicyVersion.objects.filter(kind=kind, language=language, version__in=numbers)
    return language if written.count() == len(set(numbers)) else "sq"


def compare(request: HttpRequest) -> HttpResponse:
    """The difference between any two versions of a document (P2)."""
    kind = KINDS_BY_SLUG.get(request.GET.get("dokumenti") or DOCUMENT_SLUGS[DocumentKind.PRIVACY])
    if kind is None:
        return _archive(request, error=_("Ky dokument nuk ekziston."), status=404)
    try:
        current = policy_current_version(kind=kind)
    except VersionNotFound:
        return _archive(request, error=_("Ky dokument nuk është publikuar ende."), status=404)
    old = _number(request.GET.get("nga"), max(current - 1, 1))
    new = _number(request.GET.get("deri"), current)
    if old is None or new is None:
        return _archive(
            request, error=_("Numri i versionit duhet të jetë një numër i plotë."), status=400
        )
    language = _pair_language(kind, (old, new), _language())
    versions = {}
    for number in (old, new):
        try:
            versions[number] = policy_document(kind=kind, language=language, version=number)
        except VersionNotFound:
            return _archive(
                request,
                error=_("Versioni %(number)s i këtij dokumenti nuk ekziston.") % {"number": number},
                status=404,
            )
    before, after = versions[old], versions[new]
    diff = text_diff(before.body, after.body)
    return render(
        request,
        "policy/compare.html",
        {
            "kind": kind,
            "slug": DOCUMENT_SLUGS[kind],
            "before": before,
            "after": after,
            "before_date": format_document_date(before.effective_date, language=_language()),
            "after_date": format_document_date(after.effective_date, language=_language()),
            "diff": diff,
            "title_changed": before.title != after.title,
            "numbers": list(range(1, current + 1)),
            "groups": _archive_groups(_language()),
            "in_albanian": language == "sq" and _language() != "sq",
        },
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("catalog:home")


@require_POST
@login_required
def notice_dismiss(request: HttpRequest) -> HttpResponse:
    """Close the notice: the person accepts the versions it told them of (P2)."""
    shown = set(request.POST.getlist("versioni"))
    due = policy_notices_due(user=request.user)  # type: ignore[arg-type]
    told = [version for version in due if f"{version.kind}:{version.version}" in shown]
    if told:
        notice_accept(request, told, method=AcceptanceMethod.NOTICE_DISMISSED)
    else:
        notice_forget(request.session)
    return HttpResponseRedirect(_safe_next(request))
