from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils.translation import get_language

from policy.models import DocumentKind
from policy.rendering import format_document_date, policy_blocks
from policy.selectors import policy_document


def _document_page(request: HttpRequest, kind: DocumentKind) -> HttpResponse:
    language = get_language() or "sq"
    document = policy_document(kind=kind, language=language)
    return render(
        request,
        "policy/document.html",
        {
            "document": document,
            "blocks": policy_blocks(document.body, title=document.title),
            "effective_date": format_document_date(document.effective_date, language=language),
            "authoritative_url": translate_url(request.path, "sq"),
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return _document_page(request, DocumentKind.PRIVACY)


def terms(request: HttpRequest) -> HttpResponse:
    return _document_page(request, DocumentKind.TERMS)
