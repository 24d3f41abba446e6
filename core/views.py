from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from catalog.selectors import category_roots, product_best_sellers
from personalisation.blocks import personal_blocks


def home(request: HttpRequest) -> HttpResponse:
    # The querysets are lazy: the template caches the parts that use them.
    response = render(
        request,
        "core/home.html",
        {
            "categories": category_roots(),
            "best_sellers": product_best_sellers(limit=8),
            "personal": personal_blocks(request),
        },
    )
    # What the page shows depends on the visitor's cookies (consent, history).
    patch_vary_headers(response, ("Cookie",))
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: this page must render when it is down.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A refused form (an expired page, cookies blocked): say so in the site's own page.

    Django's built-in page carries an inline style the Content-Security-Policy blocks.
    """
    return render(request, "403_csrf.html", status=403)
