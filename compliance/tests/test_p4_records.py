"""Records of processing (P4, P10): complete, each field once, and a missing entry fails."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from catalog.models import Product
from compliance.checks import check_records_complete
from compliance.clauses import P4_WORDS
from compliance.records import (
    ROLE_ENTRIES,
    RecipientKind,
    records_as_dict,
    records_build,
    records_problems,
)
from contractors.models import ContractorFunction, FunctionFieldAllowance
from privacy.processors import Processor
from privacy.registry import (
    Category,
    Erasure,
    Mask,
    ModelDeclaration,
    PersonalField,
    Purpose,
    Retention,
    qualified,
    registry,
)
from privacy.roles import Role

pytestmark = pytest.mark.django_db

POLICY_TEXT = Path(settings.BASE_DIR) / "policy" / "texts" / "privacy-v1.sq.txt"


def registry_fields() -> list[str]:
    return [
        qualified(declaration.model, name)
        for declaration in registry
        for name in declaration.fields
    ]


def fake_declaration(*fields: PersonalField) -> ModelDeclaration:
    """A declaration of a model the registry does not hold: a field someone just added."""
    return ModelDeclaration(
        model=Product, fields={f.name: f for f in fields}, not_personal={}, subject_path=None
    )


def fake_field(**changes: object) -> PersonalField:
    values: dict[str, object] = {
        "name": "slug",
        "category": Category.IDENTITY,
        "purposes": (Purpose.PRODUCTS_AND_SERVICES,),
        "mask": Mask.NAME,
        "retention": Retention.ACCOUNT_LIFETIME,
        "erasure": Erasure.DELETE,
    }
    values.update(changes)
    return PersonalField(**values)  # type: ignore[arg-type]


def test_p4_the_records_are_complete_today():
    assert records_problems() == []
    assert records_build().problems == []
    assert check_records_complete() == []


def test_p4_every_registry_field_appears_exactly_once():
    # given the fields the registry declares
    declared = registry_fields()
    assert len(declared) == len(set(declared))
    # when the records are built
    records = records_build()
    data = records_as_dict(records)
    # then each is one row, in the records and in their JSON, and nothing else is
    assert Counter(entry.name for entry in records.fields) == Counter(declared)
    assert Counter(entry["name"] for entry in data["fields"]) == Counter(declared)
    assert sum(category["fields"] for category in data["categories"]) == len(declared)


def test_p4_a_field_added_to_the_registry_gets_its_row(monkeypatch):
    monkeypatch.setitem(registry.declarations, Product, fake_declaration(fake_field()))
    names = [entry.name for entry in records_build().fields]
    assert names.count("catalog.Product.slug") == 1
    assert len(names) == len(registry_fields())


def test_p4_every_purpose_in_the_registry_is_one_of_p4s():
    text = POLICY_TEXT.read_text(encoding="utf-8")
    assert set(P4_WORDS) == set(Purpose)
    for purpose, words in P4_WORDS.items():
        assert words in text, purpose
    for declaration in registry:
        for name, entry in declaration.fields.items():
            assert entry.purposes, f"{declaration.label}.{name}"
            assert set(entry.purposes) <= set(P4_WORDS), f"{declaration.label}.{name}"


def test_p4_every_purpose_lists_the_categories_that_serve_it():
    records = records_build()
    by_purpose = {entry.purpose: entry for entry in records.purposes}
    assert set(by_purpose) == set(Purpose)
    for entry in records.fields:
        for purpose in entry.purposes:
            assert entry.category in by_purpose[purpose].categories


def test_p4_a_field_without_a_purpose_fails_the_check():
    problems = records_problems(declarations=[*registry, fake_declaration(fake_field(purposes=()))])
    assert problems == ["catalog.Product.slug declares no purpose."]


def test_p4_a_field_with_a_purpose_outside_p4_fails_the_check():
    problems = records_problems(
        declarations=[*registry, fake_declaration(fake_field(purposes=("profiling",)))]
    )
    assert problems == ["catalog.Product.slug: 'profiling' is not a purpose of clause P4."]


def test_p4_a_field_whose_retention_has_no_schedule_fails_the_check():
    problems = records_problems(
        declarations=[*registry, fake_declaration(fake_field(retention="forever"))]
    )
    assert problems == ["catalog.Product.slug: the retention 'forever' has no schedule."]


def test_p4_a_purpose_added_without_the_policys_words_fails_the_check():
    problems = records_problems(purposes=[*Purpose, "profiling"])  # type: ignore[list-item]
    assert problems == ["The purpose 'profiling' has no words of clause P4 (P4_WORDS)."]


def test_p4_a_role_added_without_its_entry_fails_the_check():
    problems = records_problems(roles=[*Role, "auditor"])  # type: ignore[list-item]
    assert problems == [
        "The role 'auditor' has no row in staff.access.ROLE_MATRIX.",
        "The role 'auditor' has no entry in compliance.records.ROLE_ENTRIES.",
    ]


def test_p4_the_system_check_names_a_role_without_its_entry(monkeypatch):
    monkeypatch.delitem(ROLE_ENTRIES, Role.SALES)
    errors = check_records_complete()
    assert [error.id for error in errors] == ["compliance.E001"]
    assert "'sales'" in errors[0].msg


def test_p4_a_processor_added_without_a_purpose_fails_the_check():
    sms = Processor(
        key="sms_gateway",
        name="SMS",
        service="Dërgon SMS.",
        categories=frozenset({Category.CONTACT}),
        purposes=(),
        safeguards="TLS",
    )
    problems = records_problems(processors=[sms])
    assert problems == ["The processor 'sms_gateway' names no purpose of clause P4."]


def test_p10_an_allow_list_naming_a_field_outside_the_registry_fails_the_check():
    problems = records_problems(allowances=[("delivery", "orders.Order.secret_code")])
    assert problems == [
        "The contractor function 'delivery' is allowed orders.Order.secret_code, which the "
        "registry does not declare."
    ]


def test_p4_recipients_name_every_role_function_processor_and_authority():
    records = records_build()
    keys = {recipient.key for recipient in records.recipients}
    assert {f"role:{role.value}" for role in Role} <= keys
    assert {"processor:mail_provider", "processor:hosting", "authority:legal_request"} <= keys
    functions = set(ContractorFunction.objects.values_list("slug", flat=True))
    assert functions
    assert {f"contractor:{slug}" for slug in functions} <= keys
    for recipient in records.recipients:
        assert recipient.purposes and set(recipient.purposes) <= set(P4_WORDS), recipient.key
        assert recipient.safeguards, recipient.key
    # Marketing sees no customer's data; the role matrix says so and the records repeat it.
    marketing = next(r for r in records.recipients if r.key == "role:marketing")
    assert marketing.categories == frozenset()
    # Every recipient a field names is one the records describe.
    for entry in records.fields:
        assert set(entry.recipients) <= keys, entry.name


def test_p10_a_contractor_function_receives_exactly_its_allow_list():
    # given the DPO narrows delivery to the street alone
    delivery = ContractorFunction.objects.get(slug="delivery")
    FunctionFieldAllowance.objects.filter(function=delivery).delete()
    FunctionFieldAllowance.objects.create(function=delivery, field="orders.Order.delivery_street")
    # when the records are built
    records = records_build()
    # then the function is listed with that field, and only that field names it
    recipient = next(r for r in records.recipients if r.key == "contractor:delivery")
    assert recipient.kind == RecipientKind.CONTRACTOR
    assert recipient.fields == ("orders.Order.delivery_street",)
    assert recipient.categories == frozenset({Category.ADDRESS})
    receiving = [e.name for e in records.fields if "contractor:delivery" in e.recipients]
    assert receiving == ["orders.Order.delivery_street"]


def test_p10_an_allow_list_the_registry_no_longer_knows_shows_on_the_records():
    delivery = ContractorFunction.objects.get(slug="delivery")
    FunctionFieldAllowance.objects.create(function=delivery, field="orders.Order.gone")
    assert records_build().problems == [
        "The contractor function 'delivery' is allowed orders.Order.gone, which the registry "
        "does not declare."
    ]


def test_p4_safeguards_come_from_each_declaration():
    records = records_build()
    encrypted = [entry for entry in records.fields if entry.encrypted]
    assert encrypted
    assert all("e enkriptuar në ruajtje" in entry.safeguards for entry in encrypted)
    indexes = [entry for entry in records.fields if entry.index_of]
    assert all(any("indeks i verbër" in s for s in entry.safeguards) for entry in indexes)
    assert all("çdo shfaqje regjistrohet" in entry.safeguards for entry in records.fields)
    assert all(entry.period for entry in records.fields)
