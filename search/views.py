"""The search pages: results at /kerko/ and suggestions as one types at /kerko/sugjerime/."""

from __future__ import annotations

import copy
import hashlib
import re
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.functional import SimpleLazyObject
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
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
from core.templatetags.shared_cache import CSRF_HOLE
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
# Where the address's query string goes in the kept whole page of "nothing found": the
# other language's link and the cookie banner's "next" write the address as
# request.get_full_path() gives it, which percent-encodes these characters.
ADDRESS_HOLE = "\ue001address\ue001"
# The words as the template writes them in text and attributes, as its ``urlencode``
# filter writes them, and the query string as the address gives it.
_QUERY_AS_TEXT = QUERY_HOLE
_QUERY_AS_ADDRESS = quote(QUERY_HOLE, safe="/")
_ADDRESS_AS_WRITTEN = iri_to_uri(ADDRESS_HOLE)
_HOLES = re.compile(
    "|".join(re.escape(hole) for hole in (_QUERY_AS_TEXT, _QUERY_AS_ADDRESS, _ADDRESS_AS_WRITTEN))
)
# What begins the placeholders of core.templatetags.shared_cache.
SHARED_HOLE_MARK = CSRF_HOLE[0]
# Keeps the whole pages of "nothing found" (templates/base.html's "page" fragment) apart
# from every page kept for an address: no request can name this variant.
FOUND_NOTHING_VARIANT = "search:found-nothing"

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


def _found_nothing_copy(request: HttpRequest, *, outcome: SearchOutcome) -> str:
    """Return the results of a search that found nothing, kept per language with holes.

    Such a page differs from another only by the words searched for, so the copy holds
    a placeholder where they go, filled for each search by ``_holes_fill``.
    """
    key = f"search:nothing:{catalog_revision_for(request)}:{get_language()}:{request.path}"
    kept: str | None = cache.get(key)
    if kept is None:
        form = ProductSearchForm(request.GET, brand_choices=_brand_choices(request))
        context = _results_context(request, form=form, query=QUERY_HOLE, outcome=outcome)
        kept = render_to_string(LISTING_CONTENT_TEMPLATE, context)
        cache.set(key, kept, settings.CATALOG_CACHE_SECONDS)
    return kept


def _holes_fill(html: str, *, query: str, query_string: str = "") -> SafeString:
    """Put the words (and the address's query string) into the holes of a kept copy.

    Each in the escaping the template gives it where the hole is: the words as HTML
    text, or as its ``urlencode`` filter writes them; the query string as
    request.get_full_path() writes it, then as HTML. One pass, so nothing filled in is
    read again as a hole.
    """
    values = {
        _QUERY_AS_TEXT: conditional_escape(query),
        _QUERY_AS_ADDRESS: conditional_escape(quote(query, safe="/")),
        _ADDRESS_AS_WRITTEN: conditional_escape(iri_to_uri(query_string)),
    }
    filled = _HOLES.sub(lambda hole: values[hole[0]], html)
    return mark_safe(filled)  # noqa: S308 - the template's HTML, and the words escaped


def _plain_query(request: HttpRequest) -> str:
    """Return the words of a search that asks for nothing else (one box, no filter), or "".

    Validated by the search form's own field, without building the whole form.
    """
    if set(request.GET) != {"q"} or len(request.GET.getlist("q")) != 1:
        return ""
    try:
        return str(ProductSearchForm.base_fields["q"].clean(request.GET["q"]))
    except ValidationError:
        return ""


def _results_page(request: HttpRequest) -> dict[str, Any]:
    revision = catalog_revision_for(request)
    synonyms = search_synonyms(revision=revision)
    plain = _plain_query(request)
    outcome = search_run(query=plain, synonyms=synonyms, revision=revision) if plain else None
    if outcome is not None and _found_nothing_plainly(request, outcome):
        # The whole page is made from the copy with holes (``_found_nothing_page``).
        return {"found_nothing": plain, "copy": _found_nothing_copy(request, outcome=outcome)}
    form = ProductSearchForm(request.GET, brand_choices=_brand_choices(request))
    form.is_valid()
    query = form.query()
    if outcome is None or query != plain:
        outcome = search_run(query=query, synonyms=synonyms, revision=revision)
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
    the box in the header shows the query again whether cached or not. A search that
    found nothing is not kept per address: its page is made from copies kept per
    language and kind of visitor, and most such addresses never come again.
    """
    typed = request.GET.get("q", "")
    search_query = typed.strip()[:SEARCH_MAX_LENGTH] if isinstance(typed, str) else ""
    key = _catalogue_key(request, "search", request.get_full_path())
    page = cache.get(key)
    if page is None:
        page = _results_page(request)
        if "found_nothing" in page:
            return _found_nothing_page(
                request, query=page["found_nothing"], kept=page["copy"], search_query=search_query
            )
        cache.set(key, page, settings.CATALOG_CACHE_SECONDS)
    return render(
        request, LISTING_TEMPLATE, {**page, "search_query": search_query, "page_cacheable": True}
    )


def _found_nothing_page(
    request: HttpRequest, *, query: str, kept: str, search_query: str
) -> HttpResponse:
    """Return the page of a search that found nothing, from a whole page kept with holes.

    A search nobody made before would render the page's shell afresh, since the whole
    page is kept per address (templates/base.html). This page differs from another
    only where the words or the address appear, so it is rendered as for a request
    whose words and query string are holes: the "page" fragment keeps it once per
    language, kind of visitor, catalogue revision and template, as every page is kept,
    under a variant no address reaches; each request fills the holes in one pass. The
    visitor's own CSRF token goes in as on any kept page, and the session, messages and
    cookies read are the request's own, so the answer is the one a fresh render gives.
    """
    query_string = request.META.get("QUERY_STRING", "")
    # The box shows the words as typed (the form's are the same once valid); the
    # language link splits a "#" off the address; and words holding the shared cache's
    # own placeholder character would be read as its holes. Such pages are rendered.
    if search_query != query or "#" in query_string or SHARED_HOLE_MARK in query:
        return render(
            request,
            LISTING_TEMPLATE,
            {
                "title": _("Rezultatet për „%(query)s“") % {"query": query},
                "content": _holes_fill(kept, query=query),
                "page_number": 1,
                "noindex": True,
                "search_query": search_query,
                "page_cacheable": True,
            },
        )
    holed = copy.copy(request)
    holed.META = {**request.META, "QUERY_STRING": ADDRESS_HOLE}
    # Nothing of the shell should read the words from the address, but what did would
    # read a hole, never the words of the visitor for whom the page is kept.
    holed.GET = QueryDict(urlencode({"q": QUERY_HOLE}))
    html = render_to_string(
        LISTING_TEMPLATE,
        {
            "title": _("Rezultatet për „%(query)s“") % {"query": QUERY_HOLE},
            "content": mark_safe(kept),  # noqa: S308 - rendered (and escaped) by the template
            "page_number": 1,
            "noindex": True,
            "search_query": QUERY_HOLE,
            "page_cacheable": True,
            "page_variant": FOUND_NOTHING_VARIANT,
            # The token of this request, which also sets its cookie when it has none.
            "csrf_token": SimpleLazyObject(lambda: get_token(request)),
        },
        request=holed,
    )
    return HttpResponse(_holes_fill(html, query=query, query_string=query_string))


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
