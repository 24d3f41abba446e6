from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from catalog.selectors import category_roots, product_best_sellers


def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {"categories": category_roots(), "best_sellers": product_best_sellers(limit=8)},
    )


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
