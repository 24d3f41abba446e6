"""P10 on the API: keys are per company, scoped to functions, hashed at rest, rotated and
revoked by the DPO or an administrator, each act on the access record; without a valid key
every endpoint answers 401 with a JSON error, never a 5xx."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from contractor_api.keys import secret_hash
from contractor_api.models import ApiToken
from contractor_api.selectors import token_actor
from contractor_api.services import (
    ApiTokenError,
    IssuedToken,
    api_token_issue,
    api_token_revoke,
    api_token_rotate,
)
from contractor_api.tests.conftest import BASE, api_client, assign, issue, person_of
from contractors.access import allowed_fields
from contractors.tests.factories import function
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from staff.tests.factories import StaffFactory


def powers() -> list[AccessEntry]:
    return list(AccessEntry.objects.filter(action=AccessAction.ACCOUNT_POWERS).order_by("id"))


def stored_text() -> str:
    """Every value of every table, as text: what a stolen database would hold."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found += [repr(row) for row in cursor.fetchall()]
    return "\n".join(found)


# Issuing.


def test_p10_api_the_secret_is_nowhere_in_the_database(company: Any) -> None:
    issued = issue(company, "delivery")
    prefix, secret = issued.presented.split(".")
    assert len(secret) >= 43  # 256 random bits
    everything = stored_text()
    assert secret not in everything
    assert issued.token.secret_hash == secret_hash(secret)
    assert prefix in everything  # the public part finds the row


def test_p10_api_issuing_is_recorded_naming_who_gave_which_power_to_whom(company: Any) -> None:
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    person_of(company, "delivery", "installation")
    issued = api_token_issue(
        company=company,
        name="Sistemi i depos",
        functions=[function("delivery"), function("installation")],
        actor=dpo,
    )
    [entry] = powers()
    assert entry.actor_id == dpo.pk
    assert entry.actor_label == Role.DATA_PROTECTION_OFFICER.value
    assert entry.basis == AccessBasis.ACCOUNT_ADMINISTRATION
    assert entry.subject_id is None
    assert entry.reference == f"api:{issued.token.prefix}"
    assert company.tax_number in entry.reason
    assert "functions=delivery,installation" in entry.reason
    assert set(entry.field_names) == set(allowed_fields(function("installation")))
    assert issued.token.created_by == dpo


@pytest.mark.parametrize("role", [Role.SALES, Role.CUSTOMER_CARE, Role.MARKETING])
def test_p10_api_only_the_dpo_or_an_administrator_gives_a_key(company: Any, role: Role) -> None:
    person_of(company, "delivery")
    with pytest.raises(ApiTokenError):
        api_token_issue(
            company=company,
            name="Sistemi",
            functions=[function("delivery")],
            actor=StaffFactory(role=role),
        )
    assert not ApiToken.objects.exists()
    assert not powers()
    administrator = StaffFactory(role=Role.ADMINISTRATOR)
    api_token_issue(
        company=company, name="Sistemi", functions=[function("delivery")], actor=administrator
    )


def test_p10_api_a_key_never_exceeds_what_the_company_holds(company: Any) -> None:
    person_of(company, "delivery")
    with pytest.raises(ApiTokenError, match="nuk e ka funksionin"):
        api_token_issue(
            company=company,
            name="Sistemi",
            functions=[function("delivery"), function("repair")],
            actor=None,
        )
    with pytest.raises(ApiTokenError):
        api_token_issue(company=company, name="Sistemi", functions=[], actor=None)
    with pytest.raises(ApiTokenError):
        api_token_issue(company=company, name="  ", functions=[function("delivery")], actor=None)
    with pytest.raises(ApiTokenError):
        api_token_issue(
            company=company,
            name="Sistemi",
            functions=[function("delivery")],
            expires_at=timezone.now() - timedelta(minutes=1),
            actor=None,
        )
    assert not ApiToken.objects.exists()
    assert not powers()


# Presenting a key.


def test_p10_api_a_valid_key_acts_for_its_company_and_functions(company: Any) -> None:
    issued = issue(company, "delivery", "installation")
    actor = token_actor(issued.presented)
    assert actor is not None
    assert actor.company_id == company.pk
    assert actor.function_ids == {function("delivery").pk, function("installation").pk}
    assert actor.user is None
    assert actor.token_label == f"API {issued.token.prefix}"


def malformed(issued: IssuedToken) -> list[str]:
    prefix, secret = issued.presented.split(".")
    return [
        "",
        "x",
        prefix,
        f"{prefix}.",
        f".{secret}",
        f"{prefix}.{secret}x",
        f"{prefix}.{secret[:-1]}",
        f"{prefix}:{secret}",
        f"{prefix.upper()}.{secret}",
        f"{'0' * 12}.{secret}",  # an unknown prefix
        f"{prefix}.{'A' * 43}",  # the wrong secret
        f"{prefix}.{secret} extra",
        "ë" * 60,
        "a" * 10_000,
    ]


def test_p10_api_every_malformed_unknown_or_wrong_key_answers_401(order: Any, company: Any) -> None:
    issued = issue(company, "delivery")
    job = assign(order, company, "delivery")
    before = AccessEntry.objects.count()
    headers = [f"Bearer {value}" for value in malformed(issued)] + [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        issued.presented,  # without the scheme
        f"Token {issued.presented}",
    ]
    for header in headers:
        for method, path in [
            ("get", f"{BASE}/jobs"),
            ("get", f"{BASE}/jobs/{job.pk}"),
            ("post", f"{BASE}/jobs/{job.pk}/done"),
            ("post", f"{BASE}/jobs/{job.pk}/failed"),
        ]:
            client = api_client(None)
            response = getattr(client, method)(path, HTTP_AUTHORIZATION=header)
            assert response.status_code == 401, (header[:40], path)
            assert response.json()["code"] == "unauthorized"
            assert response["WWW-Authenticate"] == "Bearer"
            assert order.delivery_street not in response.content.decode()
    assert AccessEntry.objects.count() == before
    job.refresh_from_db()
    assert job.status == "open"


def test_p10_api_no_key_answers_401_on_every_endpoint(order: Any, company: Any) -> None:
    job = assign(order, company, "delivery")
    client = api_client(None)
    for response in (
        client.get(f"{BASE}/jobs"),
        client.get(f"{BASE}/jobs/{job.pk}"),
        client.post(f"{BASE}/jobs/{job.pk}/done"),
        client.post(f"{BASE}/jobs/{job.pk}/failed", {"reason": "Mungon"}, "application/json"),
    ):
        assert response.status_code == 401
        assert response["Content-Type"].startswith("application/json")


def test_p10_api_an_expired_key_answers_401(order: Any, company: Any) -> None:
    issued = issue(company, "delivery", expires_at=timezone.now() + timedelta(days=1))
    job = assign(order, company, "delivery")
    client = api_client(issued.presented)
    assert client.get(f"{BASE}/jobs/{job.pk}").status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert client.get(f"{BASE}/jobs/{job.pk}").status_code == 401


# Rotating and revoking.


def test_p10_api_rotation_gives_a_new_secret_and_stops_the_old_one_at_once(
    order: Any, company: Any
) -> None:
    old = issue(company, "delivery")
    job = assign(order, company, "delivery")
    new = api_token_rotate(token=old.token, actor=None)
    assert new.presented != old.presented
    assert new.token.rotated_from == old.token
    assert set(new.token.functions.all()) == {function("delivery")}
    assert api_client(old.presented).get(f"{BASE}/jobs/{job.pk}").status_code == 401
    assert api_client(new.presented).get(f"{BASE}/jobs/{job.pk}").status_code == 200
    issued, rotated = powers()
    assert rotated.reference == f"api:{new.token.prefix}"
    assert f"from={old.token.prefix}" in rotated.reason
    with pytest.raises(ApiTokenError):
        api_token_rotate(token=old.token, actor=None)


def test_p10_api_rotation_may_leave_the_old_key_a_short_overlap(company: Any) -> None:
    old = issue(company, "delivery")
    now = timezone.now()
    new = api_token_rotate(token=old.token, overlap=timedelta(hours=2), actor=None, now=now)
    assert token_actor(old.presented, now=now + timedelta(hours=1)) is not None
    assert token_actor(old.presented, now=now + timedelta(hours=2, seconds=1)) is None
    assert token_actor(new.presented, now=now + timedelta(hours=3)) is not None
    with pytest.raises(ApiTokenError):
        api_token_rotate(token=new.token, overlap=timedelta(days=30), actor=None)
    # an overlap can be cut short by revoking the old key
    api_token_revoke(token=old.token, actor=None)
    assert token_actor(old.presented) is None


def test_p10_api_revoking_stops_the_key_and_is_recorded(order: Any, company: Any) -> None:
    issued = issue(company, "delivery")
    job = assign(order, company, "delivery")
    dpo = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    api_token_revoke(token=issued.token, actor=dpo)
    assert api_client(issued.presented).get(f"{BASE}/jobs/{job.pk}").status_code == 401
    revoked = powers()[-1]
    assert revoked.reason == "api_token_revoked"
    assert revoked.actor_id == dpo.pk
    assert revoked.reference == f"api:{issued.token.prefix}"
    with pytest.raises(ApiTokenError):
        api_token_revoke(token=issued.token, actor=dpo)
    with pytest.raises(ApiTokenError):
        api_token_rotate(token=issued.token, actor=dpo)
    with pytest.raises(ApiTokenError):
        api_token_revoke(token=issued.token, actor=StaffFactory(role=Role.SALES))
