"""P10: schemathesis drives the API from its own OpenAPI schema, with a valid key and with none.

No answer is a server error, every answer matches the schema (status code, content type,
body), and no endpoint answers anything but 401 without a key (schemathesis' ignored_auth
probes each operation without the key and with a wrong one, too).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import checks
from schemathesis.specs.openapi import checks as openapi_checks

from contractor_api.services import IssuedToken
from contractor_api.tests.conftest import BASE, assign, issue

CHECKS = [
    checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.ignored_auth,
]
# Few examples an operation: the suite stays fast; the schema's edges are covered anyway.
FAST = settings(
    max_examples=25,
    deadline=None,
    # The same examples on every run: CI never fails on a draw a rerun would not make.
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


@pytest.fixture(autouse=True)
def _keep_the_tests_connection() -> Iterator[None]:
    """Keep the connection the test's transaction lives on, as Django's test client does.

    Served through the real WSGI handler, each request's end would close it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def key(order: Any, company: Any) -> IssuedToken:
    """A key of a company with jobs of every function open today."""
    issued = issue(company, "delivery", "installation", "repair")
    for slug in ("delivery", "installation", "repair"):
        assign(order, company, slug)
    return issued


# Loaded through the app itself (WSGI, in process), as a carrier's tool would read it.
schema = schemathesis.openapi.from_wsgi(f"{BASE}/openapi.json", get_wsgi_application())


@schema.parametrize()
@FAST
def test_p10_api_conforms_to_its_schema_with_a_key(case: Any, key: IssuedToken) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {key.presented}"}, checks=CHECKS)


@schema.parametrize()
@FAST
def test_p10_api_answers_only_401_without_a_key(case: Any, key: IssuedToken) -> None:
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    if case.method.upper() == case.operation.method.upper():
        assert response.status_code == 401
    else:  # the coverage phase also tries methods the path does not take
        assert response.status_code == 405
