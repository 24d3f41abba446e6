"""What a disclosure package holds, read off the registry (P11): for each person in the
request, only the fields of the approved categories, only of rows of the approved period.

A section per declaration about customers, as the person's own download (rights.export),
but narrowed: the columns are the declared personal fields whose category the officer
approved (blind indexes left out: they are keyed hashes, not data), and the rows are the
person's (privacy.subjects) whose dates fall in the approved period. A row with no date
(an address, the account itself) is the person's data as it stands and is given whole.
Mail bodies lose their links, as in the download: a link that signs in must not travel.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import Any

from django.db import models
from django.utils.text import capfirst

from privacy.download import ENCODER, links_removed
from privacy.registry import Category, ModelDeclaration, PersonalField, qualified, registry
from privacy.subjects import proven_addresses, rows_about

SCHEMA_URL = "https://3vfejzo.al/schemas/legal-disclosure/v1.json"
JSON_NAME = "data.json"


@dataclass(frozen=True)
class Scope:
    """What the officer approved: the categories and the period, from and to, inclusive."""

    categories: frozenset[Category]
    start: date
    end: date


def disclosable_categories() -> list[Category]:
    """Return the categories the registry holds of customers, in the registry's order."""
    held = {
        entry.category
        for declaration in registry.about_customers()
        for entry in declaration.fields.values()
        if not entry.index_of
    }
    return [category for category in Category if category in held]


def _approved_fields(declaration: ModelDeclaration, scope: Scope) -> list[PersonalField]:
    return [
        entry
        for entry in declaration.fields.values()
        if entry.category in scope.categories and not entry.index_of
    ]


def _in_period(declaration: ModelDeclaration, scope: Scope) -> models.Q:
    """Return the rows dated in the period; the person's own row and undated rows whole."""
    if declaration.subject_path == "":
        return models.Q()
    condition = models.Q()
    dated = False
    for field in declaration.model._meta.concrete_fields:
        if isinstance(field, models.DateTimeField):
            condition |= models.Q(**{f"{field.name}__date__range": (scope.start, scope.end)})
            dated = True
        elif isinstance(field, models.DateField):
            condition |= models.Q(**{f"{field.name}__range": (scope.start, scope.end)})
            dated = True
    return condition if dated else models.Q()


def _value(entry: PersonalField, row: Any) -> Any:
    value = getattr(row, entry.name)
    if isinstance(value, models.Model):
        value = value.pk
    return links_removed(value) if entry.links_removed_on_export else value


@dataclass
class PersonPart:
    account_id: int
    sections: list[dict[str, Any]]
    # The qualified names of the fields given of this person: what the access record says.
    fields: list[str]


def person_part(person: Any, scope: Scope) -> PersonPart:
    """Return what the package gives of one person: their approved fields, by section."""
    sections = []
    given: list[str] = []
    for declaration in registry.about_customers():
        entries = _approved_fields(declaration, scope)
        if not entries:
            continue
        found = rows_about(
            declaration, user_ids=[person.pk], emails=proven_addresses([person])
        ).filter(_in_period(declaration, scope))
        rows = [
            {entry.name: _value(entry, row) for entry in entries}
            for row in found.order_by("pk").iterator()
        ]
        if not rows:
            continue
        model = declaration.model
        sections.append(
            {
                "key": declaration.key,
                "title": declaration.title,
                "fields": [
                    {
                        "name": entry.name,
                        "label": str(
                            capfirst(getattr(model._meta.get_field(entry.name), "verbose_name", ""))
                        ),
                        "category": entry.category.value,
                    }
                    for entry in entries
                ],
                "rows": rows,
            }
        )
        given += [qualified(model, entry.name) for entry in entries]
    return PersonPart(account_id=person.pk, sections=sections, fields=sorted(given))


def package_chunks(
    *, head: dict[str, Any], parts: Sequence[PersonPart], now: datetime
) -> Iterator[bytes]:
    """Yield the package's ZIP: data.json with the request's head and each person's part."""
    document = {
        "schema": SCHEMA_URL,
        "generated_at": now,
        "request": head,
        "people": [{"account_id": part.account_id, "sections": part.sections} for part in parts],
    }
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(JSON_NAME, ENCODER.encode(document))
    yield buffer.getvalue()
