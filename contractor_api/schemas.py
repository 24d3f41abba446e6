"""What the contractor API takes and gives, typed: the OpenAPI 3 schema is made from these.

A job carries only the fields of its function's allow-list, by their registry names
(app.Model.field); nothing else of the customer, no other order and no history.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from contractors.models import JobStatus

# Dates the day filter takes; outside them a day's bounds cannot be computed everywhere.
FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
# Ids the database can hold (a signed 64-bit key).
LARGEST_ID = 2**63 - 1
# Pages the list can have: far beyond 50 jobs a page of any company's day.
LAST_PAGE = 10_000
# A registry name: app.Model.field.
FieldName = Annotated[
    str,
    StringConstraints(
        pattern=r"^[a-z][a-z0-9_]*\.[A-Z][A-Za-z0-9]*\.[a-z][a-z0-9_]*$", max_length=120
    ),
]


class JobOut(Schema):
    id: int = Field(description="The job's id.")
    reference: str = Field(
        description="How the access record names the job: <order number>#<job id>, or "
        "#<case id>#<job id> for a repair case."
    )
    order: str | None = Field(description="The order's number; none for a repair case.")
    function: str = Field(description="The function's code: delivery, installation, repair.")
    window_start: dt.datetime
    window_end: dt.datetime
    status: JobStatus
    fields: dict[str, list[str]] = Field(
        description="The function's allowed fields by registry name (app.Model.field), each "
        "with its values (one per row: an order's lines give one value each)."
    )


class JobPageOut(Schema):
    count: int = Field(description="How many jobs match, on every page.")
    page: int
    pages: int
    page_size: int
    items: list[JobOut]


class JobClosedOut(Schema):
    id: int
    status: JobStatus
    closed_at: dt.datetime | None


class FailureIn(Schema):
    reason: str = Field(
        min_length=1, max_length=300, description="Why it could not be done, in words."
    )


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    code: str = Field(
        description="unauthorized, invalid, or the refusal: no_agreement, not_your_job, "
        "function_not_held, job_closed, field_not_allowed, job_not_open."
    )
    detail: str = Field(description="What went wrong, in the request's language.")
    errors: list[FieldErrorOut] = Field(default_factory=list)


class JobFilters(Schema):
    date: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="The day the window starts; today if none."
    )
    status: JobStatus = Field(JobStatus.OPEN, description="open by default.")
    page: int = Field(1, ge=1, le=LAST_PAGE)
