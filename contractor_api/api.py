"""The contractor JSON API at /api/kontraktoret/v1/ (P10): the portal's rule, for carriers' systems.

Thin endpoints over `contractors.access` (the one rule: which jobs, which fields, every
read and refusal recorded) and `contractors.services.job_close`. A key is sent as
`Authorization: Bearer <prefix>.<secret>`; without a valid one every endpoint answers
401. Refusals answer as the portal does: another company's job and no job alike 404,
the rest 403, each with its code. No answer is cached anywhere.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from contractor_api.schemas import (
    LARGEST_ID,
    ErrorOut,
    FailureIn,
    FieldName,
    JobClosedOut,
    JobFilters,
    JobOut,
    JobPageOut,
)
from contractor_api.selectors import jobs_page_read, token_actor
from contractors.access import (
    ContractorAccessRefused,
    ContractorActor,
    JobNotOpen,
    JobNotTheirs,
    JobView,
    job_fields_read,
)
from contractors.models import Job
from contractors.services import ContractorError, job_close
from privacy.audit import client_address

UNAUTHORIZED = _("Mungon çelësi API, ose nuk vlen më (i panjohur, i revokuar ose i skaduar).")
INVALID = _("Kërkesa nuk është e vlefshme.")
NOT_JSON = _("Trupi i kërkesës nuk është JSON i vlefshëm.")

# At most this many fields named in one read.
FIELDS = Query(None, max_length=30)
ERRORS: dict[int | str, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
JOB_ERRORS: dict[int | str, Any] = {**ERRORS, 404: ErrorOut}


class KeyBearer(HttpBearer):
    """`Authorization: Bearer <prefix>.<secret>`: the key's actor, or None (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> ContractorActor | None:
        return token_actor(token)


class ContractorNinjaAPI(NinjaAPI):
    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        """Answer as ninja does, and keep every answer out of every cache: it names customers."""
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        patch_cache_control(response, private=True, no_store=True)
        return response


api = ContractorNinjaAPI(
    title="3VFejzo: API e kontraktorëve",
    version="1",
    description=(
        "Jobs given to a contractor company, for its systems: the same rule as the "
        "contractor portal (P10). Each key belongs to one company and is scoped to some of "
        "its functions; a job shows only its function's allowed fields, and every read is "
        "on the access record the customer sees."
    ),
    auth=KeyBearer(),
    urls_namespace="contractor_api",
    # The interactive docs load their scripts from a CDN; the schema is what matters.
    docs_url=None,
)


def _error(request: HttpRequest, status: int, code: str, detail: Any, **extra: Any) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "detail": str(detail), **extra}, status=status
    )


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, 401, "unauthorized", UNAUTHORIZED)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ContractorAccessRefused)
def refused(request: HttpRequest, exc: ContractorAccessRefused) -> HttpResponse:
    # Another company's job and no job at all answer alike: nothing about it leaks.
    status = 404 if isinstance(exc, JobNotTheirs) else 409 if isinstance(exc, JobNotOpen) else 403
    return _error(request, status, exc.code.value, exc.code.label)


@api.exception_handler(ContractorError)
def not_done(request: HttpRequest, exc: ContractorError) -> HttpResponse:
    return _error(request, 422, "invalid", exc, errors=[{"field": "reason", "message": str(exc)}])


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())),
            "message": str(error.get("msg", "")),
        }
        for error in exc.errors
    ]
    return _error(request, 422, "invalid", INVALID, errors=errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    detail = NOT_JSON if exc.status_code == 400 else exc.message
    return _error(
        request, exc.status_code, "invalid" if exc.status_code == 400 else "error", detail
    )


def _job_out(view: JobView) -> dict[str, Any]:
    job: Job = view.job
    return {
        "id": job.pk,
        "reference": job.reference,
        "order": job.order.number if job.order is not None else None,
        "function": job.function.slug,
        "window_start": job.window_start,
        "window_end": job.window_end,
        "status": job.status,
        "fields": {shown.name: list(shown.values) for shown in view.fields},
    }


@api.get("/jobs", response={200: JobPageOut, **ERRORS}, operation_id="jobs_list")
def jobs_list(request: HttpRequest, filters: Query[JobFilters]) -> dict[str, Any]:
    """List the key's jobs whose window starts on a day (today by default), 50 a page.

    Open jobs by default; `status` shows those done or failed within the grace period.
    Each job carries its function's allowed fields, and each is recorded as read.
    """
    actor: ContractorActor = request.auth  # type: ignore[attr-defined]
    now = timezone.now()
    page = jobs_page_read(
        actor=actor,
        day=filters.date or timezone.localdate(now),
        status=filters.status,
        page=filters.page,
        ip_address=client_address(request),
        now=now,
    )
    return {
        "count": page.count,
        "page": page.page,
        "pages": page.pages,
        "page_size": page.page_size,
        "items": [_job_out(view) for view in page.views],
    }


@api.get("/jobs/{job_id}", response={200: JobOut, **JOB_ERRORS}, operation_id="job_read")
def job_read(
    request: HttpRequest,
    job_id: int = Path(..., ge=1, le=LARGEST_ID),
    fields: list[FieldName] | None = FIELDS,
) -> dict[str, Any]:
    """Read one job: its function's allowed fields, or only the `fields` named (repeatable).

    Asking for a field outside the function's list refuses the whole read (403).
    """
    view = job_fields_read(
        user=request.auth,  # type: ignore[attr-defined]
        job_id=job_id,
        fields=fields or None,
        ip_address=client_address(request),
    )
    return _job_out(view)


def _closed(job: Job) -> dict[str, Any]:
    return {"id": job.pk, "status": job.status, "closed_at": job.closed_at}


@api.post(
    "/jobs/{job_id}/done",
    response={200: JobClosedOut, **JOB_ERRORS, 409: ErrorOut},
    operation_id="job_done",
)
def job_done(request: HttpRequest, job_id: int = Path(..., ge=1, le=LARGEST_ID)) -> dict[str, Any]:
    """Mark an open job done: delivered, installed or repaired."""
    job = job_close(job_id=job_id, done=True, actor=request.auth)  # type: ignore[attr-defined]
    return _closed(job)


@api.post(
    "/jobs/{job_id}/failed",
    response={200: JobClosedOut, 400: ErrorOut, **JOB_ERRORS, 409: ErrorOut},
    operation_id="job_failed",
)
def job_failed(
    request: HttpRequest, body: FailureIn, job_id: int = Path(..., ge=1, le=LARGEST_ID)
) -> dict[str, Any]:
    """Mark an open job not done, with the reason in words (kept encrypted, for care)."""
    job = job_close(
        job_id=job_id,
        done=False,
        failure_reason=body.reason,
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return _closed(job)
