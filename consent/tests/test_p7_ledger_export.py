"""P7, P5: only the data-protection officer exports the consent ledger, and the access
record names the role that did."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consent.models import ConsentDecision, DecisionAction, DecisionChannel
from consent.services import LedgerExportRefused, consent_ledger_export
from privacy.models import AccessAction, AccessEntry
from privacy.roles import ROLE_PERMISSIONS, Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:consent_consentdecision_changelist")
EXPORT = "consent.export_consentdecision"


@pytest.fixture
def decision() -> ConsentDecision:
    return ConsentDecision.objects.create(
        consent_id="a" * 32,
        action=DecisionAction.ACCEPT_ALL,
        channel=DecisionChannel.BANNER,
        analytics=True,
        personalisation=True,
        banner_revision=1,
        policy_version=1,
        user_agent_hash="b" * 64,
        decided_at=timezone.now(),
    )


def _export(client: Client, decision: ConsentDecision):  # type: ignore[no-untyped-def]
    return client.post(CHANGELIST, {"action": "export_csv", "_selected_action": [decision.pk]})


def _exports() -> int:
    return AccessEntry.objects.filter(action=AccessAction.EXPORT).count()


def test_p7_only_the_officer_role_is_granted_the_ledger_export() -> None:
    holders = [role for role, permissions in ROLE_PERMISSIONS.items() if EXPORT in permissions]
    assert holders == [Role.DATA_PROTECTION_OFFICER]


def test_p7_the_officer_exports_and_the_access_entry_names_the_role(
    client: Client, decision: ConsentDecision
) -> None:
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER)
    client.force_login(officer)
    response = _export(client, decision)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == decision.consent_id
    entry = AccessEntry.objects.get(action=AccessAction.EXPORT)
    assert (entry.actor_id, entry.actor_label) == (officer.pk, Role.DATA_PROTECTION_OFFICER.value)
    assert entry.reference == "consent ledger: 1 rows"


def test_p7_a_superuser_who_is_also_the_officer_exports(
    client: Client, decision: ConsentDecision
) -> None:
    officer = StaffFactory(role=Role.DATA_PROTECTION_OFFICER, is_superuser=True)
    client.force_login(officer)
    assert _export(client, decision)["Content-Type"].startswith("text/csv")
    assert AccessEntry.objects.get(action=AccessAction.EXPORT).actor_label == "dpo"


@pytest.mark.parametrize(
    "make_staff",
    [
        pytest.param(lambda: StaffFactory(is_superuser=True), id="superuser-without-a-role"),
        pytest.param(
            lambda: StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True),
            id="superuser-administrator",
        ),
    ],
)
def test_p7_a_superuser_without_the_officer_role_cannot_export(
    client: Client, decision: ConsentDecision, make_staff
) -> None:  # type: ignore[no-untyped-def]
    # given a superuser, who holds every permission, but not the officer's role
    staff = make_staff()
    client.force_login(staff)
    # when they open the ledger: they read it, but are offered no export
    page = client.get(CHANGELIST)
    assert page.status_code == 200
    assert "export_csv" not in page.content.decode()
    # when they post the export anyway
    response = _export(client, decision)
    # then no file, and no entry
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert _exports() == 0
    with pytest.raises(LedgerExportRefused):
        consent_ledger_export(decisions=ConsentDecision.objects.all(), actor=staff, ip_address=None)
    assert _exports() == 0


def test_p7_an_administrator_cannot_export_even_handed_the_permission(
    client: Client, decision: ConsentDecision
) -> None:
    # given an administrator given the ledger's permissions directly, past the roles
    administrator = StaffFactory(role=Role.ADMINISTRATOR)
    administrator.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="consent",
            codename__in=["view_consentdecision", "export_consentdecision"],
        )
    )
    client.force_login(administrator)
    # when they post the export
    response = _export(client, decision)
    # then no file, and no entry
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert _exports() == 0
    with pytest.raises(LedgerExportRefused):
        consent_ledger_export(
            decisions=ConsentDecision.objects.all(), actor=administrator, ip_address=None
        )


def test_p7_an_administrator_does_not_see_the_ledger(client: Client) -> None:
    client.force_login(StaffFactory(role=Role.ADMINISTRATOR))
    assert client.get(CHANGELIST).status_code == 403
