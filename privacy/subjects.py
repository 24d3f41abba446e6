"""Which rows are about a person: by the registry's subject path, and by their address.

A row is about a person when its subject path leads to their account, or when it keeps
a keyed hash of their email address (a footer sign-up made before or without the
account, a mail sent to the address). Download and erasure both ask here, so what is
erased is exactly what was downloadable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from privacy.fields import BlindIndexField
from privacy.registry import Mask, ModelDeclaration


def subject_lookup(declaration: ModelDeclaration) -> str:
    return declaration.subject_path or "pk"


def address_indexes(declaration: ModelDeclaration) -> list[BlindIndexField]:
    """Return the blind-index fields of this model that hash an email address.

    The person's own row is found by its key, not by its address.
    """
    if declaration.subject_path == "":
        return []
    found = []
    for name, entry in declaration.fields.items():
        source = declaration.fields.get(entry.index_of) if entry.index_of else None
        if source is None or source.mask != Mask.EMAIL:
            continue
        field = declaration.model._meta.get_field(name)
        if isinstance(field, BlindIndexField):
            found.append(field)
    return found


def address_owners(
    declaration: ModelDeclaration, emails: dict[int, str]
) -> dict[str, dict[str, int]]:
    """Return, per address-index column, each person's index value → their account id."""
    owners: dict[str, dict[str, int]] = {}
    for field in address_indexes(declaration):
        by_index = {field.index_for(email): user_id for user_id, email in emails.items() if email}
        owners[field.attname] = {index: user_id for index, user_id in by_index.items() if index}
    return owners


def rows_about(
    declaration: ModelDeclaration, *, user_ids: Sequence[int], emails: dict[int, str]
) -> models.QuerySet[Any]:
    """Return the rows of this declaration about these people, by path or by address."""
    condition = models.Q(**{f"{subject_lookup(declaration)}__in": list(user_ids)})
    for column, owners in address_owners(declaration, emails).items():
        if owners:
            condition |= models.Q(**{f"{column}__in": list(owners)})
    return declaration.model._default_manager.filter(condition)


def owner_of(
    subject_id: int | None,
    indexes: Iterable[tuple[str, str]],
    owners: dict[str, dict[str, int]],
    user_ids: set[int],
) -> int | None:
    """Return whose a row is: its subject if one of these people, else its address's owner."""
    if subject_id in user_ids:
        return subject_id
    for column, value in indexes:
        owner = owners.get(column, {}).get(value)
        if owner is not None:
            return owner
    return None
