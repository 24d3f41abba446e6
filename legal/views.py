"""The public side of the legal register (P11): the authority's package link, and the yearly
transparency report (counts only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_safe

from core.http import token_page
from legal.models import RequestOutcome
from legal.selectors import people_disclosed_in, transparency_report, transparency_years
from legal.services import PackageUnavailable, package_take

YEAR_PARAMETER = "viti"


@require_GET
def package_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """Give the sealed package's ZIP to whoever holds a live link; the same 404 otherwise."""
    try:
        package, stream = package_take(token=token)
    except PackageUnavailable:
        return token_page(request, "legal/package_unavailable.html", status=404)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    day = timezone.localdate(package.built_at)
    response["Content-Disposition"] = (
        f'attachment; filename="3vfejzo-kerkesa-{package.request_id}-{day:%Y-%m-%d}.zip"'
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
def transparency(request: HttpRequest) -> HttpResponse:
    """The yearly report: requests by kind of authority and outcome, nothing identifying."""
    years = transparency_years()
    asked = request.GET.get(YEAR_PARAMETER, "")
    year = int(asked) if asked.isdigit() and int(asked) in years else years[0]
    rows = transparency_report(year=year)
    return render(
        request,
        "legal/transparency.html",
        {
            "year": year,
            "years": years,
            "outcomes": list(RequestOutcome),
            "rows": rows,
            "totals": [sum(column) for column in zip(*(row.counts for row in rows), strict=True)],
            "total": sum(row.total for row in rows),
            "people_disclosed": people_disclosed_in(year=year),
            "year_parameter": YEAR_PARAMETER,
        },
    )
