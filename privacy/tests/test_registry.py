"""The personal-data registry is the one list of personal fields, checked against the models."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts.models import Address, User
from privacy.checks import (
    check_blind_indexes_name_their_source,
    check_registry_matches_models,
    looks_personal,
)
from privacy.registry import registry


@pytest.fixture
def declaration_without(monkeypatch):  # type: ignore[no-untyped-def]
    """Remove one field from a model's declaration for the length of a test."""

    def remove(model, name):  # type: ignore[no-untyped-def]
        declaration = registry.of(model)
        fields = {key: value for key, value in declaration.fields.items() if key != name}
        monkeypatch.setitem(
            registry.declarations, model, dataclasses.replace(declaration, fields=fields)
        )

    return remove


def test_p3_registry_and_models_agree():
    assert check_registry_matches_models() == []


@pytest.mark.parametrize(("model", "name"), [(User, "phone"), (Address, "street")])
def test_p3_removing_a_field_from_its_declaration_fails_manage_py_check(
    declaration_without, model, name
):
    declaration_without(model, name)
    with pytest.raises(SystemCheckError, match=f"{model._meta.label}.{name}"):
        call_command("check")


def test_p3_declaring_a_field_the_model_lacks_fails_the_check(monkeypatch):
    declaration = registry.of(Address)
    entry = next(iter(declaration.fields.values()))
    fields = {**declaration.fields, "floor": dataclasses.replace(entry, name="floor")}
    monkeypatch.setitem(
        registry.declarations, Address, dataclasses.replace(declaration, fields=fields)
    )
    errors = check_registry_matches_models()
    assert [error.id for error in errors] == ["privacy.E001", "privacy.E003"] or any(
        error.id == "privacy.E001" and "floor" in error.msg for error in errors
    )


@pytest.mark.parametrize(
    ("name", "suggests"),
    [
        ("first_name", True),
        ("courier_notes", True),
        ("ip_address", True),
        ("user_agent", True),
        ("customer_message", True),
        ("description_sq", False),
        ("shipping_total", False),
        ("stock", False),
    ],
)
def test_p3_field_names_that_suggest_personal_data(name, suggests):
    from django.db import models

    field = models.CharField(max_length=10)
    field.name = name
    assert looks_personal(field) is suggests


def test_p3_every_encrypted_declaration_is_an_identifying_or_contact_field():
    for model, entry in registry.encrypted_fields():
        assert entry.category.value in {"identity", "contact", "address", "support"}, (
            model,
            entry.name,
        )


def test_p12_every_blind_index_is_declared_as_the_index_of_its_source():
    assert check_blind_indexes_name_their_source() == []


@pytest.mark.parametrize("index_of", ["", "phone"])
def test_p12_a_blind_index_declared_with_a_wrong_or_no_source_fails_manage_py_check(
    monkeypatch, index_of
):
    # A forgotten index_of would silently drop rows from the download and the erasure.
    declaration = registry.of(User)
    fields = dict(declaration.fields)
    fields["email_index"] = dataclasses.replace(fields["email_index"], index_of=index_of)
    monkeypatch.setitem(
        registry.declarations, User, dataclasses.replace(declaration, fields=fields)
    )

    with pytest.raises(SystemCheckError, match="accounts.User.email_index is the blind index"):
        call_command("check")
