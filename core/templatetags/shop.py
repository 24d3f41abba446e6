from __future__ import annotations

from django import template
from django.http import QueryDict
from django.urls import translate_url

from core.money import format_lek, vat_included
from core.phone import display_phone

register = template.Library()


@register.filter
def lek(amount: int | None) -> str:
    """Render a whole-lek amount: {{ product.price|lek }} → "129 999 L"."""
    return "" if amount is None else format_lek(int(amount))


@register.filter
def phone(e164: str) -> str:
    """Render a stored E.164 number for people: "+355 69 123 4567"."""
    return display_phone(e164)


@register.filter
def vat_of(amount: int) -> str:
    return format_lek(vat_included(int(amount)))


@register.simple_tag(takes_context=True)
def language_url(context: template.Context, language: str) -> str:
    """Return this page's address in another language.

    The language is in the URL (/en/…), so switching is a plain link: no form, no
    cookie, and the page stays cacheable.
    """
    request = context.get("request")
    if request is None:
        return "/" if language == "sq" else f"/{language}/"
    return translate_url(request.get_full_path(), language)


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """Return the current query string with some parameters replaced (pagination, sorting)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
