"""P10: schemathesis over every API schema the shop serves, with keys that must not work.

test_p10_api_schema.py drives every operation with a valid key and with none. Here:
- every django-ninja API the URL patterns lead to is the one fuzzed, and every route it
  serves is in its schema (a route hidden from the schema would escape the fuzz);
- every operation, with a malformed, unknown, wrong, revoked or expired key, or another
  scheme, answers 401 as the schema says, and changes no job;
- every operation, with a key that lacks the job's function (or another company's
  job), is refused as the schema says, leaks no job and closes none.
Positive and negative data; few examples an operation, derandomised.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from contractor_api.api import api
from contractor_api.services import IssuedToken, api_token_revoke
from contractor_api.tests.conftest import BASE, assign, issue
from contractors.models import Job
from contractors.tests.factories import AgreementFactory, CompanyFactory

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]
FAST = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
# The APIs the shop serves, by the address they are mounted at, and the schema fuzzed.
FUZZED = {"api/kontraktoret/v1/": api}
# How a key can be wrong.
BAD_KEYS = ["malformed", "unknown", "wrong_secret", "revoked", "expired", "basic", "empty"]

schema = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_tests_connection() -> Iterator[None]:
    """Keep the connection the test's transaction lives on, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _ninja_routes(
    patterns: list[URLPattern | URLResolver], prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """Yield (the API's mount point, the route under it) for every django-ninja route."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _ninja_routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif (getattr(pattern.callback, "__module__", "") or "").startswith("ninja"):
            yield prefix, str(pattern.pattern)


def test_p10_every_api_schema_the_shop_serves_is_fuzzed() -> None:
    # given every route of every django-ninja API the URL patterns lead to
    routes = list(_ninja_routes(get_resolver().url_patterns))
    # then each API is one fuzzed here, and each of its routes is in its schema
    assert routes
    assert {mount for mount, _route in routes} == set(FUZZED)
    for mount, route in routes:
        paths = FUZZED[mount].get_openapi_schema()["paths"]
        in_schema = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        assert any(path.endswith(in_schema) for path in paths), f"{route} is not in the schema"


@pytest.fixture
def jobs(order: Any, company: Any) -> dict[str, Job]:
    """Jobs of every function for the company, and one of another company."""
    issue(company, "delivery", "installation", "repair")
    other = CompanyFactory(name="Kompania Y")
    AgreementFactory(company=other)
    issue(other, "delivery")
    assigned = {
        slug: assign(order, company, slug) for slug in ("delivery", "installation", "repair")
    }
    assigned["other_company"] = assign(order, other, "delivery")
    return assigned


@pytest.fixture
def narrow_key(company: Any, jobs: dict[str, Job]) -> IssuedToken:
    """A key of the company scoped to delivery only."""
    return issue(company, "delivery", name="Vetëm dorëzimet")


def _statuses() -> list[tuple[int, str]]:
    return list(Job.objects.order_by("pk").values_list("pk", "status"))


def _bad_key(kind: str, company: Any) -> dict[str, str]:
    """Return the Authorization header of a key that must not work."""
    if kind == "basic":
        return {"Authorization": "Basic dXNlcjpwYXNz"}
    if kind == "empty":
        return {"Authorization": "Bearer "}
    if kind == "malformed":
        return {"Authorization": "Bearer nuk-eshte-celes"}
    if kind == "revoked":
        issued = issue(company, "delivery", name="I revokuar")
        api_token_revoke(token=issued.token, actor=None)
        return {"Authorization": f"Bearer {issued.presented}"}
    if kind == "expired":
        then = timezone.now() - timedelta(days=3)
        issued = issue(
            company, "delivery", name="I skaduar", expires_at=then + timedelta(days=1), now=then
        )
        return {"Authorization": f"Bearer {issued.presented}"}
    issued = issue(company, "delivery", name="Një tjetër")
    prefix, secret = issued.presented.split(".", 1)
    if kind == "unknown":
        return {"Authorization": f"Bearer {prefix[::-1]}.{secret}"}
    return {"Authorization": f"Bearer {prefix}.{secret[::-1]}"}


@schema.parametrize()
@schema.given(kind=st.sampled_from(BAD_KEYS))
@FAST
def test_p10_api_answers_only_401_to_a_key_that_does_not_work(
    case: Any, kind: str, company: Any, jobs: dict[str, Job]
) -> None:
    # given a key that is malformed, unknown, wrong, revoked, expired, or no bearer at all
    headers = _bad_key(kind, company)
    before = _statuses()
    # when any operation is called with it
    response = case.call(headers=headers)
    # then it is refused as the schema says, and no job changed
    case.validate_response(response, checks=CHECKS)
    if case.method.upper() == case.operation.method.upper():
        assert response.status_code == 401
    assert _statuses() == before


@schema.parametrize()
@schema.given(target=st.sampled_from(["installation", "repair", "other_company"]))
@FAST
def test_p10_api_a_key_without_the_jobs_function_is_refused_and_changes_nothing(
    case: Any, target: str, narrow_key: IssuedToken, jobs: dict[str, Job]
) -> None:
    # given a key scoped to delivery, aimed at a job of another function or company
    if "job_id" in (case.path_parameters or {}):
        case.path_parameters["job_id"] = jobs[target].pk
    before = _statuses()
    # when any operation is called with it
    response = case.call(headers={"Authorization": f"Bearer {narrow_key.presented}"})
    # then the answer conforms, no job outside the key's scope is shown or closed
    case.validate_response(response, checks=CHECKS)
    outside = {jobs["installation"].pk, jobs["repair"].pk, jobs["other_company"].pk}
    if "job_id" in (case.path_parameters or {}):
        assert response.status_code != 200
    elif response.status_code == 200:
        assert not {item["id"] for item in response.json()["items"]} & outside
    assert _statuses() == before
