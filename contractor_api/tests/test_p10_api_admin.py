"""P10 in the back office: the DPO issues, rotates and revokes API keys; a new secret is
shown once and never again; other roles cannot touch the keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from contractor_api.models import ApiToken
from contractor_api.selectors import token_actor
from contractor_api.tests.conftest import issue, person_of
from contractors.tests.factories import function
from privacy.models import AccessAction, AccessEntry
from privacy.roles import Role
from staff.tests.factories import StaffFactory


def staff_client(role: Role) -> Client:
    client = Client()
    client.force_login(StaffFactory(role=role, first_name="Punonjës", last_name="Zyre"))
    return client


def url(name: str, *args: Any) -> str:
    return reverse(f"admin:contractor_api_apitoken_{name}", args=list(args))


def test_p10_api_the_dpo_issues_a_key_and_sees_its_secret_once(company: Any) -> None:
    person_of(company, "delivery")
    client = staff_client(Role.DATA_PROTECTION_OFFICER)
    response = client.post(
        url("add"),
        {"company": company.pk, "name": "Sistemi i depos", "functions": [function("delivery").pk]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get()
    presented = response.context["presented"]
    assert presented.startswith(f"{token.prefix}.")
    assert presented in response.content.decode()
    assert token_actor(presented) is not None
    assert AccessEntry.objects.filter(action=AccessAction.ACCOUNT_POWERS).count() == 1
    # never again: not on the list, not on the key's page
    secret = presented.split(".")[1]
    for page in (url("changelist"), url("change", token.pk)):
        shown = client.get(page)
        assert shown.status_code == 200
        assert secret not in shown.content.decode()


def test_p10_api_a_function_the_company_does_not_hold_is_refused_in_the_form(company: Any) -> None:
    person_of(company, "delivery")
    client = staff_client(Role.DATA_PROTECTION_OFFICER)
    response = client.post(
        url("add"), {"company": company.pk, "name": "Sistemi", "functions": [function("repair").pk]}
    )
    assert response.status_code == 200
    assert "nuk e ka funksionin" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_p10_api_the_dpo_rotates_and_revokes_a_key(company: Any) -> None:
    issued = issue(company, "delivery")
    client = staff_client(Role.DATA_PROTECTION_OFFICER)
    page = client.get(url("change", issued.token.pk)).content.decode()
    assert url("rotate", issued.token.pk) in page
    assert client.get(url("rotate", issued.token.pk)).status_code == 200
    rotated = client.post(url("rotate", issued.token.pk), {"overlap_hours": 0})
    assert rotated.status_code == 200
    new = rotated.context["presented"]
    assert token_actor(issued.presented) is None
    assert token_actor(new) is not None
    successor = ApiToken.objects.get(rotated_from=issued.token)
    revoked = client.post(url("revoke", successor.pk))
    assert revoked.status_code == 302
    assert token_actor(new) is None
    assert AccessEntry.objects.filter(action=AccessAction.ACCOUNT_POWERS).count() == 3


@pytest.mark.parametrize("role", [Role.SALES, Role.CUSTOMER_CARE, Role.MARKETING])
def test_p10_api_other_roles_cannot_see_issue_rotate_or_revoke_keys(
    company: Any, role: Role
) -> None:
    issued = issue(company, "delivery")
    client = staff_client(role)
    assert client.get(url("changelist")).status_code == 403
    assert client.get(url("add")).status_code == 403
    added = client.post(
        url("add"), {"company": company.pk, "name": "X", "functions": [function("delivery").pk]}
    )
    assert added.status_code == 403
    assert client.post(url("rotate", issued.token.pk), {"overlap_hours": 0}).status_code == 403
    assert client.post(url("revoke", issued.token.pk)).status_code == 403
    assert ApiToken.objects.count() == 1
    assert token_actor(issued.presented) is not None
