"""P14: the people a breach touched, computed from the access record and the registry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import AddressFactory, UserFactory
from breaches.models import AffectedPerson, Breach, PersonSource
from breaches.selectors import BreachInputError, people_revealed_by, people_with_values
from breaches.services import BreachDetails, breach_people_from_access_record, breach_register
from breaches.tests.conftest import EMAIL, PHONE, STREET, staff_member
from privacy.models import AccessAction, AccessEntry
from privacy.registry import Category
from privacy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(reveal):  # type: ignore[no-untyped-def]
    """One staff account's reveals inside a window, and decoys around them."""
    start = timezone.now() - timedelta(hours=10)
    end = start + timedelta(hours=4)
    suspect = staff_member(Role.SALES)
    colleague = staff_member(Role.SALES)
    people = {name: UserFactory() for name in "ABCDEFGHI"}
    # Inside the window, the phone among other fields, by any action that shows it.
    reveal(actor=suspect, subject=people["A"], fields=[PHONE, EMAIL], at=start + timedelta(hours=1))
    reveal(
        actor=suspect,
        subject=people["B"],
        fields=[PHONE, STREET],
        at=start + timedelta(hours=2),
        action=AccessAction.BREAK_GLASS,
    )
    # Both ends of the window count.
    reveal(actor=suspect, subject=people["C"], fields=[PHONE], at=start)
    reveal(actor=suspect, subject=people["I"], fields=[PHONE], at=end)
    # Decoys: another field; before and after the window; another staff account;
    # a field whose name begins like the phone's; a refusal, which showed nothing.
    reveal(actor=suspect, subject=people["D"], fields=[EMAIL], at=start + timedelta(hours=1))
    reveal(actor=suspect, subject=people["E"], fields=[PHONE], at=start - timedelta(seconds=1))
    reveal(actor=suspect, subject=people["F"], fields=[PHONE], at=end + timedelta(seconds=1))
    reveal(actor=colleague, subject=people["G"], fields=[PHONE], at=start + timedelta(hours=1))
    reveal(
        actor=suspect,
        subject=people["H"],
        fields=["accounts.User.phone_index"],
        at=start + timedelta(hours=1),
    )
    reveal(
        actor=suspect,
        subject=people["G"],
        fields=[PHONE],
        at=start + timedelta(hours=3),
        action=AccessAction.REFUSED,
    )
    expected = {people[name].pk for name in "ABCI"}
    return {"start": start, "end": end, "suspect": suspect, "expected": expected}


def test_p14_people_whose_phone_one_account_revealed_in_a_window_match_exactly(story):
    found = people_revealed_by(
        actor_id=story["suspect"].pk, fields=[PHONE], start=story["start"], end=story["end"]
    )
    assert found == story["expected"]


def test_p14_breach_people_from_the_access_record_are_stored_for_review(story, dpo):
    breach = breach_register(
        details=BreachDetails(
            incident="Një llogari shitjesh u përdor nga dikush tjetër.",
            discovered_at=timezone.now(),
            categories=[Category.CONTACT],
            field_names=[PHONE],
        ),
        actor=dpo,
    )
    count = breach_people_from_access_record(
        breach=breach,
        staff_account_id=story["suspect"].pk,
        fields=[PHONE],
        start=story["start"],
        end=story["end"],
        actor=dpo,
    )
    assert count == len(story["expected"])
    stored = set(breach.people.values_list("subject_id", flat=True))
    assert stored == story["expected"]
    assert set(breach.people.values_list("source", flat=True)) == {PersonSource.ACCESS_RECORD}
    # Computing again adds nobody twice.
    again = breach_people_from_access_record(
        breach=breach,
        staff_account_id=story["suspect"].pk,
        fields=[PHONE],
        start=story["start"],
        end=story["end"],
        actor=dpo,
    )
    assert again == 0
    assert breach.people.count() == len(story["expected"])


def test_p14_computing_the_people_reveals_no_values_and_writes_no_entry(story, dpo):
    entries = AccessEntry.objects.count()
    people_revealed_by(
        actor_id=story["suspect"].pk, fields=[PHONE], start=story["start"], end=story["end"]
    )
    people_with_values(fields=[PHONE])
    assert AccessEntry.objects.count() == entries


def test_p14_a_reversed_window_is_refused_in_albanian(story):
    with pytest.raises(BreachInputError) as refused:
        people_revealed_by(
            actor_id=story["suspect"].pk, fields=[PHONE], start=story["end"], end=story["start"]
        )
    assert refused.value.messages == ["Fillimi i periudhës duhet të jetë para fundit të saj."]


def test_p14_a_field_outside_the_registry_is_refused(story):
    with pytest.raises(BreachInputError) as refused:
        people_revealed_by(
            actor_id=story["suspect"].pk,
            fields=["accounts.User.password"],
            start=story["start"],
            end=story["end"],
        )
    assert "nuk është në regjistrin e të dhënave personale" in refused.value.messages[0]


def test_p14_people_with_a_value_in_leaked_fields():
    with_phone = UserFactory()
    without_phone = UserFactory(phone="")
    with_street = AddressFactory(user=without_phone).user
    assert with_phone.pk in people_with_values(fields=[PHONE])
    assert without_phone.pk not in people_with_values(fields=[PHONE])
    both = people_with_values(fields=[PHONE, STREET])
    assert {with_phone.pk, with_street.pk} <= both


def test_p14_bad_input_changes_nothing(dpo):
    with pytest.raises(BreachInputError):
        breach_register(
            details=BreachDetails(
                incident="Një llogari shitjesh u përdor nga dikush tjetër.",
                discovered_at=timezone.now() + timedelta(hours=1),
                categories=[Category.CONTACT],
            ),
            actor=dpo,
        )
    assert not Breach.objects.exists()
    assert not AffectedPerson.objects.exists()
