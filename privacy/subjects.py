"""Which rows are about a person: by the registry's subject path, and by their address.

A row is about a person when its subject path leads to their account, or when it keeps
a keyed hash of their email address (a footer sign-up made before or without the
account, a mail sent to the address). Download and erasure both ask here, so what is
erased is exactly what was downloadable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models

from privacy.fields import BlindIndexField
from privacy.registry import Mask, ModelDeclaration, registry


def proven_addresses(users: Iterable[Any]) -> dict[int, str]:
    """Return each account's address, for finding rows no account owns, if it is proven.

    Anyone can register with somebody else's address: until the account has verified
    it, the address finds nothing of anybody's.
    """
    return {user.pk: user.email for user in users if user.email_verified}


def subject_lookup(declaration: ModelDeclaration) -> str:
    return declaration.subject_path or "pk"


@dataclass(frozen=True)
class AddressLookup:
    """How rows of one model reach a keyed hash of an email address.

    `column` leads from a row to the hash (on the row, or on a row it belongs to, such
    as an event's subscriber); `unowned` is the subject path, null when no account owns
    the row. Only such rows are found by address: a row with an account is that
    account's, whoever holds the address now.
    """

    column: str
    unowned: str
    field: BlindIndexField


def _email_indexes(declaration: ModelDeclaration) -> list[BlindIndexField]:
    found = []
    for name, entry in declaration.fields.items():
        source = declaration.fields.get(entry.index_of) if entry.index_of else None
        if source is None or source.mask != Mask.EMAIL:
            continue
        field = declaration.model._meta.get_field(name)
        if isinstance(field, BlindIndexField):
            found.append(field)
    return found


def address_lookups(declaration: ModelDeclaration) -> list[AddressLookup]:
    """Return the ways rows of this declaration are found by a person's address.

    The person's own row is found by its key, not by its address.
    """
    if not declaration.subject_path:
        return []
    hops = declaration.subject_path.split("__")
    model: Any = declaration.model
    found = []
    for depth in range(len(hops)):
        owner_declaration = registry.of(model)
        if owner_declaration is not None:
            found += [
                AddressLookup(
                    column="__".join([*hops[:depth], field.attname]),
                    unowned=declaration.subject_path,
                    field=field,
                )
                for field in _email_indexes(owner_declaration)
            ]
        model = model._meta.get_field(hops[depth]).related_model
    return found


def address_owners(
    declaration: ModelDeclaration, emails: dict[int, str]
) -> dict[str, dict[str, int]]:
    """Return, per address lookup, each person's index value → their account id."""
    owners: dict[str, dict[str, int]] = {}
    for lookup in address_lookups(declaration):
        by_index = {lookup.field.index_for(email): user_id for user_id, email in emails.items()}
        owners[lookup.column] = {index: user_id for index, user_id in by_index.items() if index}
    return owners


def rows_about(
    declaration: ModelDeclaration,
    *,
    user_ids: Sequence[int],
    emails: dict[int, str],
    owners: dict[str, dict[str, int]] | None = None,
) -> models.QuerySet[Any]:
    """Return the rows of this declaration about these people, by path or by address.

    Pass `owners` when already computed (`address_owners`), to hash each address once.
    """
    condition = models.Q(**{f"{subject_lookup(declaration)}__in": list(user_ids)})
    if owners is None:
        owners = address_owners(declaration, emails)
    for lookup in address_lookups(declaration):
        if owners.get(lookup.column):
            condition |= models.Q(
                **{
                    f"{lookup.unowned}__isnull": True,
                    f"{lookup.column}__in": list(owners[lookup.column]),
                }
            )
    return declaration.model._default_manager.filter(condition)


def owner_of(
    subject_id: int | None,
    indexes: Iterable[tuple[str, str]],
    owners: dict[str, dict[str, int]],
    user_ids: set[int],
) -> int | None:
    """Return whose a row is: its account's if it has one, else its address's owner's."""
    if subject_id is not None:
        return subject_id if subject_id in user_ids else None
    for column, value in indexes:
        owner = owners.get(column, {}).get(value)
        if owner is not None:
            return owner
    return None
