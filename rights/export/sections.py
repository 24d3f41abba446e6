"""The sections of a customer's download (P12), read off the registry.

Each declaration in `registry.about_customers()` is one section: every column of its
model but the machinery in INTERNAL_COLUMNS, read with one query and streamed, personal
fields opened as they are read. So whatever a later feature declares is in the next
download without a change here. After them come the access record about the person,
and the sections apps add for what is about the person without being rows a
declaration leads to (privacy.download: the campaigns mailed to them, failed sign-ins
under their address). Nothing here queries until rows are asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacy.download import (
    CHUNK_ROWS,
    DOWNLOAD_SECTIONS,
    Column,
    Section,
    labels,
    links_removed,
)
from privacy.models import AccessEntry, Job
from privacy.registry import (
    ModelDeclaration,
    PersonalField,
    qualified,
    registry,
)
from privacy.roles import Role
from privacy.selectors import access_entries_for
from privacy.subjects import proven_addresses, rows_about
from rights.presentation import data_names, registry_positions

# Columns that are machinery, not data about the person: the row's sealing id, the
# password hash, and secrets or hashes of secrets that open files or confirm links.
INTERNAL_COLUMNS = frozenset(
    {"seal_id", "password", "file_key", "token_hash", "password_state", "confirmation_digest"}
)

ACCESS_RECORD_KEY = "privacy.access_record"
ACCESS_RECORD_COLUMNS = (
    "seq",
    "at",
    "actor_kind",
    "actor_label",
    "action",
    "basis",
    "fields",
    "reference",
)
ACCESS_RECORD_TITLE = gettext_lazy("Kush i ka parë të dhënat tuaja")
ACCESS_RECORD_NOTE = gettext_lazy(
    "Çdo herë që stafi ose një proces automatik i pa, i ndryshoi ose i eksportoi të "
    "dhënat tuaja: kur, kush (një rol ose një proces, jo një emër), pse dhe cilat të dhëna."
)


def _key_of(model: Any) -> str:
    """Return the download's name for rows of this model (a string names a model as is)."""
    if isinstance(model, str):
        return model
    declaration = registry.of(model)
    return declaration.key if declaration is not None else model._meta.label


def _column(model_field: models.Field[Any, Any], entry: PersonalField | None) -> Column:
    label = str(capfirst(model_field.verbose_name))
    if entry is not None and entry.index_of:
        source = model_field.model._meta.get_field(entry.index_of)
        source_label = capfirst(getattr(source, "verbose_name", entry.index_of))
        label = _("%(field)s (gjurmë kërkimi)") % {"field": source_label}
    read: Callable[[Any], Any] = attrgetter(model_field.attname)
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model
        return Column(
            model_field.name,
            label,
            read,
            personal=entry,
            references=_key_of(related),
        )
    label_of = labels(model_field.flatchoices) if model_field.choices else None
    if entry is not None and entry.links_removed_on_export:
        read = _without_links(read)
    return Column(model_field.name, label, read, personal=entry, label_of=label_of)


def _without_links(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def without_links(row: Any) -> Any:
        return links_removed(read(row))

    return without_links


def _declaration_section(declaration: ModelDeclaration, user: Any) -> Section:
    model = declaration.model
    columns = [
        _column(model_field, declaration.fields.get(model_field.name))
        for model_field in model._meta.concrete_fields
        if model_field.name not in INTERNAL_COLUMNS
    ]

    def rows() -> Iterable[Any]:
        # The same rows erasure would take: by account, and by a keyed hash of the address.
        found = rows_about(declaration, user_ids=[user.pk], emails=proven_addresses([user]))
        if declaration.withheld_from_download is not None:
            found = found.exclude(declaration.withheld_from_download)
        return found.order_by("pk").iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=declaration.key,
        title=declaration.title,
        columns=columns,
        rows=rows,
        declaration=declaration,
    )


def _access_record_section(user: Any) -> Section:
    """The access record about the person: roles and jobs, never staff names or addresses."""
    fields = {model_field.name: model_field for model_field in AccessEntry._meta.concrete_fields}
    columns = [_column(fields[name], None) for name in ACCESS_RECORD_COLUMNS]
    actors = labels([*Job.choices, *Role.choices])
    positions = registry_positions()
    names: dict[str, str] = {}

    def actor_label(raw: str) -> str:
        # Roles ("sales,dpo") by their names; a contractor's "Kompania X, dorëzim" as it is.
        return ", ".join(actors(part.strip()) for part in raw.split(","))

    def field_names(raw: str) -> str:
        if raw not in names:
            names[raw] = data_names([name for name in raw.split(",") if name], positions=positions)
        return names[raw]

    relabelled = {"actor_label": actor_label, "fields": field_names}
    columns = [
        Column(c.name, c.label, c.read, label_of=relabelled[c.name]) if c.name in relabelled else c
        for c in columns
    ]

    def rows() -> Iterable[Any]:
        entries = access_entries_for(user).only(*ACCESS_RECORD_COLUMNS)
        return entries.iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=ACCESS_RECORD_KEY,
        title=str(ACCESS_RECORD_TITLE),
        columns=columns,
        rows=rows,
        note=str(ACCESS_RECORD_NOTE),
    )


def export_sections(user: Any) -> list[Section]:
    """Return the sections of this person's download, in the active language; no queries yet."""
    sections = [_declaration_section(d, user) for d in registry.about_customers()]
    return [
        *sections,
        _access_record_section(user),
        *(section.build(user) for section in DOWNLOAD_SECTIONS),
    ]


def export_personal_fields() -> list[str]:
    """Return the qualified names of the personal fields a download holds (the registry's)."""
    return [
        qualified(declaration.model, name)
        for declaration in registry.about_customers()
        for name in declaration.fields
    ]


def export_section_titles() -> list[str]:
    """Return what a download holds, section by section, in the active language."""
    titles = [declaration.title for declaration in registry.about_customers()]
    extra = [str(section.title) for section in DOWNLOAD_SECTIONS]
    return [*titles, str(ACCESS_RECORD_TITLE), *extra]
