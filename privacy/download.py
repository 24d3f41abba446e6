"""The parts of a person's download (P12) that are not rows of a declared model.

The download is read off the registry: one section per declaration about customers,
then the access record (`rights.export.sections`). What is about the person without
being such a row, an app adds here beside its field declarations: a `Section` built for
one person, with its columns and rows, streamed and labelled as the others are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from privacy.registry import Erasure, ModelDeclaration, PersonalField, Retention

# Rows fetched per round trip: with the report's batches, what bounds memory.
CHUNK_ROWS = 200


@dataclass(frozen=True)
class Column:
    """One column of a section: how to read it off a row, and what to call it."""

    name: str
    label: str
    read: Callable[[Any], Any]
    personal: PersonalField | None = None
    # Set for a coded value (choices, job and role names): the code's label.
    label_of: Callable[[Any], str] | None = None
    references: str | None = None

    def describe(self, declaration: ModelDeclaration | None) -> dict[str, Any]:
        entry = self.personal
        whole_row = declaration is not None and declaration.erase_rows
        retention: Retention | None = declaration.row_retention if declaration else None
        erasure: Erasure | None = Erasure.DELETE if whole_row else None
        if entry is not None:
            retention, erasure = entry.retention, entry.erasure
        return {
            "name": self.name,
            "label": self.label,
            "personal": entry is not None,
            "category": entry.category.value if entry else None,
            "purposes": [purpose.value for purpose in entry.purposes] if entry else [],
            "retention": retention.value if retention else None,
            "erasure": erasure.value if erasure else None,
            "index_of": (entry.index_of or None) if entry else None,
            "coded": self.label_of is not None,
            "references": self.references,
        }

    def value(self, raw: Any) -> Any:
        """Return the value as data.json holds it: a coded value with its label."""
        if self.label_of is None:
            return raw
        return {"value": raw, "label": self.label_of(raw) if raw not in (None, "") else ""}

    def text(self, raw: Any) -> str:
        """Return the value as the report shows it."""
        if raw is None or raw == "":
            return "—"
        if self.label_of is not None:
            return self.label_of(raw)
        if isinstance(raw, bool):
            return _("Po") if raw else _("Jo")
        if isinstance(raw, datetime):
            # The shop's time (Europe/Tirane), whatever a request may have activated.
            shown = raw.astimezone(timezone.get_default_timezone()) if raw.tzinfo else raw
            return f"{shown.day}.{shown.month}.{shown.year} {shown:%H:%M}"
        if isinstance(raw, date):
            return f"{raw.day}.{raw.month}.{raw.year}"
        if isinstance(raw, dict | list):
            return ENCODER.encode(raw)
        return str(raw)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[Any]]
    declaration: ModelDeclaration | None = None
    note: str = ""

    def head(self) -> dict[str, Any]:
        entries = self.declaration.fields.values() if self.declaration else []
        return {
            "key": self.key,
            "title": self.title,
            "categories": sorted({entry.category.value for entry in entries}),
            "note": self.note,
            "fields": [column.describe(self.declaration) for column in self.columns],
        }


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        return super().default(o)


ENCODER = _Encoder(ensure_ascii=False)


LINK = re.compile(r"https?://[^\s\"'<>]+")


def links_removed(value: Any) -> Any:
    """Return text with its links taken out (a mail's one-click links act without signing in)."""
    if not isinstance(value, str):
        return value
    return LINK.sub(str(_("[lidhja u hoq]")), value)


def labels(pairs: Iterable[tuple[Any, Any]]) -> Callable[[Any], str]:
    """Return a reader of coded values' labels (choices, job and role names)."""
    known = {value: str(label) for value, label in pairs}
    return lambda raw: known.get(raw, str(raw))


@dataclass(frozen=True)
class DownloadSection:
    key: str
    title: Any
    # Builds the person's section; it queries nothing until its rows are asked for.
    build: Callable[[Any], Section]
    # Where it comes after the access record: lower first, whatever order apps load in.
    position: int


DOWNLOAD_SECTIONS: list[DownloadSection] = []


def download_section(
    *, key: str, title: Any, build: Callable[[Any], Section], position: int
) -> None:
    """Add a section to every person's download (`title` may be lazy: it is translated)."""
    if any(section.key == key for section in DOWNLOAD_SECTIONS):
        raise ValueError(f"The download already has a section {key}.")
    DOWNLOAD_SECTIONS.append(DownloadSection(key, title, build, position))
    DOWNLOAD_SECTIONS.sort(key=lambda section: section.position)
