"""The rights models moved from the privacy app with their tables: no row is lost (P12)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.utils import timezone

from accounts.tests.factories import UserFactory
from core.testing import migrate_to, migrate_to_latest
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from rights import models as rights

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _newest_schema_afterwards() -> Iterator[None]:
    yield
    migrate_to_latest()


BEFORE = [("privacy", "0011_access_and_mail_kinds"), ("rights", None)]
AFTER = [("privacy", "0012_rights_models_moved"), ("rights", "0001_initial")]


def test_p12_the_move_to_rights_keeps_every_row_and_the_access_record() -> None:
    # given: a person with every kind of rights row, written while the models were privacy's;
    # their entry in chain 0, the one chain the access record had then (privacy 0016)
    person = UserFactory(pk=64 * 1000)
    officer = UserFactory(is_staff=True)
    access_record(
        actor=officer,
        subject_id=person.pk,
        action=AccessAction.REVEAL,
        fields=["accounts.user.phone"],
        basis=AccessBasis.BREAK_GLASS,
        reason="Klienti telefonoi për porosinë e humbur.",
    )
    dpo_permissions = set(Group.objects.get(name=Role.DATA_PROTECTION_OFFICER).permissions.all())
    old = migrate_to(BEFORE)
    now = timezone.now()
    request = old.get_model("privacy", "ErasureRequest").objects.create(
        subject_id=person.pk, channel="account", received_at=now, due_at=now + timedelta(days=30)
    )
    old.get_model("privacy", "ErasureEvent").objects.create(
        request=request, step="received", at=now, actor_label="customer"
    )
    old.get_model("privacy", "LegalHold").objects.create(
        subject_id=person.pk,
        kind="dispute",
        reason="Ankesë e hapur",
        review_on=now.date(),
        placed_at=now,
    )
    old.get_model("privacy", "DataExport").objects.create(
        user_id=person.pk, language="sq", requested_at=now
    )
    old.get_model("privacy", "InactivityWarning").objects.create(
        user_id=person.pk, last_seen_at=now, warned_at=now
    )
    old.get_model("privacy", "ErasedSubject").objects.create(
        user_id=officer.pk, pseudonym="QWERTYUIOPAS", erased_at=now, cause="request"
    )

    # when
    migrate_to(AFTER)

    # then: every row is there under its new app, and the chain still verifies
    assert rights.ErasureRequest.objects.get(subject=person).public_id == request.public_id
    assert rights.ErasureEvent.objects.filter(request__subject=person).count() == 1
    assert rights.LegalHold.objects.filter(subject=person).count() == 1
    assert rights.DataExport.objects.filter(user=person).count() == 1
    assert rights.InactivityWarning.objects.filter(user=person).count() == 1
    assert rights.ErasedSubject.objects.get(user=officer).pseudonym == "QWERTYUIOPAS"
    assert AccessEntry.objects.filter(subject_id=person.pk).count() == 1
    # The officer's role keeps its permissions: they followed the models' new app.
    group = Group.objects.get(name=Role.DATA_PROTECTION_OFFICER)
    assert set(group.permissions.all()) == dpo_permissions
    assert Permission.objects.filter(
        content_type__app_label="rights", codename="handle_erasurerequest"
    ).exists()
    assert (
        not Permission.objects.filter(content_type__app_label="privacy")
        .exclude(content_type__model__in=["accessentry", "accesschainhead", "accessanchor"])
        .exists()
    )
    migrate_to_latest()
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "The access record is intact" in out.getvalue()


def test_p12_a_back_office_link_from_before_the_move_still_leads_to_the_request(client) -> None:
    response = client.get("/zyra/privacy/erasurerequest/7/change/?tab=plan")

    assert response.status_code == 301
    assert response["Location"] == "/zyra/rights/erasurerequest/7/change/?tab=plan"


def test_p12_a_link_in_english_stays_in_english(client) -> None:
    response = client.get("/en/zyra/privacy/legalhold/3/change/")

    assert response.status_code == 301
    assert response["Location"] == "/en/zyra/rights/legalhold/3/change/"
