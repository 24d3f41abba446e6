from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from contractor_api.services import IssuedToken, api_token_issue
from contractors.tests.conftest import (  # noqa: F401 - fixtures shared with the portal's tests
    appliance,
    assign,
    company,
    order,
    person_of,
)
from contractors.tests.factories import function

BASE = "/api/kontraktoret/v1"


def issue(owner: Any, *slugs: str, **options: Any) -> IssuedToken:
    """A key of `owner` (a company) for these functions, which one of its people holds."""
    person_of(owner, *slugs)
    return api_token_issue(
        company=owner,
        name=options.pop("name", "Sistemi i depos"),
        functions=[function(slug) for slug in slugs],
        actor=None,
        **options,
    )


def api_client(presented: str | None) -> Client:
    """A carrier's system sending this key (or none) on every request."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {presented}"} if presented else {}
    # A carrier's system has no session and no CSRF token: the key is its credential.
    return Client(enforce_csrf_checks=True, **headers)


@pytest.fixture
def delivery_key(company: Any) -> IssuedToken:  # noqa: F811 - the fixture imported above
    return issue(company, "delivery")
