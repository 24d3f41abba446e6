"""The search pages: results at /kerko/ and suggestions as one types at /kerko/sugjerime/."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from catalog.forms import ProductSearchForm
from catalog.selectors import SEARCH_MAX_LENGTH, catalog_revision_for, category_all
from catalog.views import (
    LISTING_CONTENT_TEMPLATE,
    LISTING_TEMPLATE,
    _brand_choices,
    _catalogue_key,
    _listing_context,
)
from search.query import fold, parse
from search.selectors import (
    SearchOutcome,
    category_matches,
    product_search,
    search_run,
    search_synonyms,
)

# Where the words searched for go in the kept copy of "nothing found": private-use
# characters, which nobody types and HTML escaping leaves alone.
QUERY_HOLE = "\ue001query\ue001"
_HOLES = re.compile("|".join(re.escape(hole) for hole in (QUERY_HOLE, quote(QUERY_HOLE, safe="/"))))

SUGGESTED_PRODUCTS = 6
SUGGESTED_CATEGORIES = 3
SUGGEST_MIN_LETTERS = 2
# Suggestions hold nothing about the visitor: browsers and shared caches may keep them.
SUGGEST_MAX_AGE = 300


def _results_context(
    request: HttpRequest, *, form: ProductSearchForm, query: str, outcome: SearchOutcome
) -> dict[str, Any]:
    context = _listing_context(request, products=outcome.products, form=form, facets_from_rows=True)
    context.update(
        title=_("Rezultatet për „%(query)s“") % {"query": query} if query else _("Kërko"),
        search_query=query,
        is_search=True,
        did_you_mean=outcome.corrected,
        did_you_mean_url=(
            f"{reverse('search:results')}?{urlencode({'q': outcome.corrected})}"
            if outcome.corrected
            else ""
        ),
        showing_corrected=outcome.showing_corrected,
        request=request,
    )
    return context


def _found_nothing_plainly(request: HttpRequest, outcome: SearchOutcome) -> bool:
    """Whether this is a search that found nothing, with no filter and nothing to suggest."""
    return (
        outcome.products.query.is_empty()
        and not outcome.corrected
        and set(request.GET) <= {"q"}
        and len(request.GET.getlist("q")) == 1
    )


def _found_nothing_content(
    request: HttpRequest, *, form: ProductSearchForm, query: str, outcome: SearchOutcome
) -> str:
    """Return the results of a search that found nothing, from a copy kept per language.

    Such a page differs from another only by the words searched for, so the copy holds
    a placeholder where they go (escaped as the template would escape them, or as
    its ``urlencode`` filter writes them), filled for each search nobody made before.
    """
    key = f"search:nothing:{catalog_revision_for(request)}:{get_language()}:{request.path}"
    copy: str | None = cache.get(key)
    if copy is None:
        context = _results_context(request, form=form, query=QUERY_HOLE, outcome=outcome)
        copy = render_to_string(LISTING_CONTENT_TEMPLATE, context)
        cache.set(key, copy, settings.CATALOG_CACHE_SECONDS)
    as_text = conditional_escape(query)
    as_address = conditional_escape(quote(query, safe="/"))
    filled = _HOLES.sub(lambda hole: as_text if hole[0] == QUERY_HOLE else as_address, copy)
    return mark_safe(filled)  # noqa: S308 - the template's HTML, and the words escaped


def _results_page(request: HttpRequest) -> dict[str, Any]:
    form = ProductSearchForm(request.GET, brand_choices=_brand_choices(request))
    form.is_valid()
    query = form.query()
    revision = catalog_revision_for(request)
    synonyms = search_synonyms(revision=revision)
    outcome = search_run(query=query, synonyms=synonyms, revision=revision)
    if query and _found_nothing_plainly(request, outcome):
        title = _("Rezultatet për „%(query)s“") % {"query": query}
        content = _found_nothing_content(request, form=form, query=query, outcome=outcome)
        return {"title": title, "content": content, "page_number": 1, "noindex": True}
    context = _results_context(request, form=form, query=query, outcome=outcome)
    return {
        "title": str(context["title"]),
        "content": render_to_string(LISTING_CONTENT_TEMPLATE, context),
        "page_number": context["page"].number,
        # Endless combinations of words, each a thin copy of the listings: search
        # engines should index the categories and products, not these pages.
        "noindex": True,
    }


def results(request: HttpRequest) -> HttpResponse:
    """The results of the header's search box, with the listing's filters and sorting.

    The HTML is cached per address and catalogue revision (as catalogue listings are);
    the box in the header shows the query again whether cached or not.
    """
    key = _catalogue_key(request, "search", request.get_full_path())
    page = cache.get(key)
    if page is None:
        page = _results_page(request)
        cache.set(key, page, settings.CATALOG_CACHE_SECONDS)
    typed = request.GET.get("q", "")
    return render(
        request,
        LISTING_TEMPLATE,
        {
            **page,
            "search_query": typed.strip()[:SEARCH_MAX_LENGTH] if isinstance(typed, str) else "",
            "page_cacheable": True,
        },
    )


def _suggestions(request: HttpRequest, query: str) -> dict[str, Any]:
    synonyms = search_synonyms(revision=catalog_revision_for(request))
    parsed = parse(query, synonyms=synonyms)
    products = product_search(query=parsed).order_by("-rank", "-popularity", "id")
    categories = category_matches(parsed=parsed, categories=category_all())
    return {
        "query": query,
        "products": [
            {"name": product.name, "url": product.get_absolute_url()}
            for product in products[:SUGGESTED_PRODUCTS]
        ],
        "categories": [
            {"name": category.name, "url": category.get_absolute_url()}
            for category in categories[:SUGGESTED_CATEGORIES]
        ],
    }


@require_safe
def suggestions(request: HttpRequest) -> JsonResponse:
    """Products and categories for what is typed so far, as JSON (search-suggest.js)."""
    query = " ".join(str(request.GET.get("q", "")).split())[:SEARCH_MAX_LENGTH]
    folded = fold(query)
    if len(folded.replace(" ", "")) < SUGGEST_MIN_LETTERS:
        data: dict[str, Any] = {"query": query, "products": [], "categories": []}
    else:
        digest = hashlib.sha256(folded.encode()).hexdigest()
        key = f"search:suggest:{catalog_revision_for(request)}:{get_language()}:{digest}"
        data = cache.get(key)
        if data is None:
            data = _suggestions(request, query)
            cache.set(key, data, settings.CATALOG_CACHE_SECONDS)
        data = {**data, "query": query}
    response = JsonResponse(data)
    # A visitor with a session gets what every answer to them gets (private, no-store:
    # core.middleware.PrivatePagesMiddleware), although nothing here is about them.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        response["Cache-Control"] = f"public, max-age={SUGGEST_MAX_AGE}"
    return response
