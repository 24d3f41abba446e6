"""P9, P5: a visitor's case (no account yet) in the back office: whole for its owner, the
read recorded by case number; masked for everyone else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from privacy.models import AccessAction, AccessBasis, AccessEntry
from privacy.roles import Role
from staff.models import TrainingRecord
from staff.tests.factories import StaffFactory
from support.models import SupportCase
from support.services import case_save
from support.tests.mailgun import customer_mail, post_raw

pytestmark = pytest.mark.django_db

BESA = ("Besa Leka", "besa.leka@example.al")
TEXT = "Televizori që bleva ka një vijë vertikale në mes të ekranit."


@pytest.fixture
def visitor_case(client) -> SupportCase:  # type: ignore[no-untyped-def]
    post_raw(client, customer_mail(sender=BESA, subject="Vija në ekran", text=TEXT))
    return SupportCase.objects.get()


def _take(case: SupportCase, owner, lead) -> None:  # type: ignore[no-untyped-def]
    case.assigned_to = owner
    case_save(case=case, changed=["assigned_to"], actor=lead)


def _page(client, staff, case: SupportCase) -> str:  # type: ignore[no-untyped-def]
    client.force_login(staff)
    response = client.get(reverse("admin:support_supportcase_change", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_p9_the_owner_reads_a_visitors_case_and_the_read_is_recorded(
    client, visitor_case, owner, lead
):
    _take(visitor_case, owner, lead)
    html = _page(client, owner, visitor_case)
    assert TEXT in html and BESA[1] in html and BESA[0] in html and "Vija në ekran" in html
    assert "Rast nga një vizitor pa llogari." in html and 'name="reply"' in html
    entry = AccessEntry.objects.filter(actor=owner, action=AccessAction.REVEAL).get()
    assert (entry.subject_id, entry.basis, entry.reference) == (
        None,
        AccessBasis.SUPPORT_CASE,
        f"#{visitor_case.pk}",
    )
    for field in (
        "support.SupportCase.contact_email",
        "support.CaseMessage.body",
        "support.CaseMail.sender_address",
    ):
        assert field in entry.field_names


def test_p9_a_visitors_case_in_the_queue_is_masked_until_someone_takes_it(client, visitor_case):
    colleague = StaffFactory(role=Role.CUSTOMER_CARE)
    html = _page(client, colleague, visitor_case)
    assert TEXT not in html and BESA[1] not in html
    assert "Merreni në ngarkim" in html
    assert not AccessEntry.objects.filter(actor=colleague).exists()


def test_p9_an_owner_without_valid_training_sees_it_masked(client, visitor_case, owner, lead):
    _take(visitor_case, owner, lead)
    TrainingRecord.objects.filter(staff=owner).delete()
    html = _page(client, owner, visitor_case)
    assert TEXT not in html and BESA[1] not in html
    assert not AccessEntry.objects.filter(actor=owner, action=AccessAction.REVEAL).exists()


def test_p9_staff_find_a_visitors_case_by_the_address_it_came_from(client, visitor_case, owner):
    client.force_login(owner)
    changelist = reverse("admin:support_supportcase_changelist")
    found = client.get(changelist, {"q": BESA[1].upper()}).content.decode()
    assert reverse("admin:support_supportcase_change", args=[visitor_case.pk]) in found
    # listed masked, as every search is
    assert BESA[1] not in found.replace(f'value="{BESA[1].upper()}"', "")
    nothing = client.get(changelist, {"q": "askush@example.al"}).content.decode()
    assert reverse("admin:support_supportcase_change", args=[visitor_case.pk]) not in nothing
