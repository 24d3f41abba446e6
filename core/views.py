"""The site's own error pages, in place of Django's."""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from core.clauses import enforces


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# How long a visitor is asked to wait when the database or the file store does not answer.
OUTAGE_RETRY_AFTER_SECONDS = 30


def _outage(error: BaseException | None) -> bool:
    """Whether the error, or one it came from, is a database or file store not answering.

    A restart of PostgreSQL or a bucket that is away: nothing the visitor did, and it
    passes. A bucket that answers "no such file" is not an outage.
    """
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OperationalError | InterfaceError) or _botocore(
            error, "BotoCoreError"
        ):
            return True
        if _botocore(error, "ClientError"):
            response = getattr(error, "response", {})
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
            return status >= 500 or response.get("Error", {}).get("Code") == "NoSuchBucket"
        error = error.__cause__ or error.__context__
    return False


def _botocore(error: BaseException, name: str) -> bool:
    # By name: botocore loads only where a bucket is used (core.storage_s3).
    return any(
        kind.__module__ == "botocore.exceptions" and kind.__name__ == name
        for kind in type(error).__mro__
    )


@enforces("P14", "a database or file store that does not answer gives a clear 503, never a trace")
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: this page must render when it is down.
    # Django calls this inside its handler, so the error is the one being handled.
    if _outage(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = str(OUTAGE_RETRY_AFTER_SECONDS)
        return response
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
