"""Build a customer's download (P12): all the shop holds about them, as JSON and as a report.

Driven by the registry alone. Each declaration in `registry.about_customers()` is one
section, read with one query and streamed, so whatever a later feature declares is in
the next download without a change here. Every column is written except the machinery
in INTERNAL_COLUMNS; personal fields are opened as they are read. Two sections are
built in, being about the customer without being rows a declaration leads to them by:
the access record about them, and the marketing campaigns mailed to them.

The ZIP holds `data.json` (the schema is privacy/schemas/data-export-v1.json, the
guide docs/data-export.md) and `report.html`, written in the customer's language.
Both are written while the rows stream past, and the ZIP is sealed as it is written:
no more than a chunk of rows is held in memory, and no plaintext reaches the disk.
"""

from __future__ import annotations

import html
import secrets
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Delivery, DeliveryState
from campaigns.rendering import campaign_language_for
from privacy.models import AccessEntry, Job
from privacy.presentation import data_names, registry_positions
from privacy.registry import (
    Erasure,
    ModelDeclaration,
    PersonalField,
    Retention,
    qualified,
    registry,
)
from privacy.sealed_files import SealedWriter, new_file_key, sealed_chunks
from privacy.selectors import access_entries_for
from staff.roles import Role

SCHEMA_URL = "https://3vfejzo.al/schemas/data-export/v1.json"
SCHEMA_VERSION = 1
JSON_NAME = "data.json"
REPORT_NAME = "report.html"
# Rows fetched per round trip, and the most rows or characters of report held before
# they are written out: what bounds memory, whatever the number of rows.
CHUNK_ROWS = 200
REPORT_BATCH_CHARS = 1 << 20
# A longer value is folded in the report, to be opened with a click.
LONG_TEXT = 160

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
CAMPAIGNS_KEY = "campaigns.sent_campaigns"
CAMPAIGNS_TITLE = gettext_lazy("Email-et e marketingut që ju dërguam")
CAMPAIGNS_NOTE = gettext_lazy("Fushatat me email që ju janë dërguar: subjekti dhe data.")


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


@dataclass(frozen=True)
class ArchiveSummary:
    size: int
    rows: int
    # The qualified names of the declared personal fields the download holds.
    fields: list[str] = field(default_factory=list)


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        return super().default(o)


ENCODER = _Encoder(ensure_ascii=False)


def _labels(pairs: Iterable[tuple[Any, Any]]) -> Callable[[Any], str]:
    known = {value: str(label) for value, label in pairs}
    return lambda raw: known.get(raw, str(raw))


def _column(model_field: models.Field[Any, Any], entry: PersonalField | None) -> Column:
    label = str(capfirst(model_field.verbose_name))
    if entry is not None and entry.index_of:
        source = model_field.model._meta.get_field(entry.index_of)
        source_label = capfirst(getattr(source, "verbose_name", entry.index_of))
        label = _("%(field)s (gjurmë kërkimi)") % {"field": source_label}
    read = attrgetter(model_field.attname)
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model
        return Column(
            model_field.name,
            label,
            read,
            personal=entry,
            references=related._meta.label if not isinstance(related, str) else related,
        )
    label_of = _labels(model_field.flatchoices) if model_field.choices else None
    return Column(model_field.name, label, read, personal=entry, label_of=label_of)


def _declaration_section(declaration: ModelDeclaration, user: Any) -> Section:
    model = declaration.model
    lookup = declaration.subject_path or "pk"
    columns = [
        _column(model_field, declaration.fields.get(model_field.name))
        for model_field in model._meta.concrete_fields
        if model_field.name not in INTERNAL_COLUMNS
    ]

    def rows() -> Iterable[Any]:
        found = model._default_manager.filter(**{lookup: user.pk}).order_by("pk")
        return found.iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=model._meta.label,
        title=str(capfirst(model._meta.verbose_name_plural)),
        columns=columns,
        rows=rows,
        declaration=declaration,
    )


def _access_record_section(user: Any) -> Section:
    """The access record about the person: roles and jobs, never staff names or addresses."""
    fields = {model_field.name: model_field for model_field in AccessEntry._meta.concrete_fields}
    columns = [_column(fields[name], None) for name in ACCESS_RECORD_COLUMNS]
    actors = _labels([*Job.choices, *Role.choices])
    positions = registry_positions()
    names: dict[str, str] = {}

    def actor_label(raw: str) -> str:
        return ", ".join(actors(part) for part in raw.split(","))

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


def _campaign_subject(delivery: Delivery) -> str:
    campaign = delivery.campaign
    language = delivery.subscriber.language if delivery.subscriber else "sq"
    english = campaign_language_for(campaign, language) == "en"
    return campaign.subject_en if english else campaign.subject_sq


def _campaigns_section(user: Any) -> Section:
    """The marketing mails sent to the person's subscription, by subject and date."""
    columns = [
        Column(
            "campaign", _("Fushata"), attrgetter("campaign_id"), references="campaigns.Campaign"
        ),
        Column("subject", _("Subjekti"), _campaign_subject),
        Column("sent_at", _("Dërguar më"), attrgetter("sent_at")),
    ]

    def rows() -> Iterable[Any]:
        sent = (
            Delivery.objects.filter(subscriber__user=user, state=DeliveryState.SENT)
            .select_related("campaign", "subscriber")
            .only(
                "campaign__subject_sq",
                "campaign__subject_en",
                "campaign__body_en",
                "subscriber__language",
                "sent_at",
            )
            .order_by("sent_at", "pk")
        )
        return sent.iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=CAMPAIGNS_KEY,
        title=str(CAMPAIGNS_TITLE),
        columns=columns,
        rows=rows,
        note=str(CAMPAIGNS_NOTE),
    )


def export_sections(user: Any) -> list[Section]:
    """Return the sections of this person's download, in the active language; no queries yet."""
    sections = [_declaration_section(d, user) for d in registry.about_customers()]
    return [*sections, _access_record_section(user), _campaigns_section(user)]


def export_personal_fields() -> list[str]:
    """Return the qualified names of the personal fields a download holds (the registry's)."""
    return [
        qualified(declaration.model, name)
        for declaration in registry.about_customers()
        for name in declaration.fields
    ]


def export_section_titles() -> list[str]:
    """Return what a download holds, section by section, in the active language."""
    titles = [str(capfirst(d.model._meta.verbose_name_plural)) for d in registry.about_customers()]
    return [*titles, str(ACCESS_RECORD_TITLE), str(CAMPAIGNS_TITLE)]


def _legend(section: Section) -> list[dict[str, str]]:
    legend = []
    for column in section.columns:
        entry = column.personal
        if entry is None:
            continue
        legend.append(
            {
                "label": column.label,
                "category": str(entry.category.label),
                "purposes": ", ".join(str(purpose.label) for purpose in entry.purposes),
                "retention": str(entry.retention.label),
                "erasure": str(entry.erasure.label),
            }
        )
    return legend


def _report_parts(sections: list[Section], *, user: Any, language: str, now: datetime) -> list[str]:
    """Render the report around its tables' rows; return the text between the tables."""
    marker = f"fejzo-rows-{secrets.token_hex(8)}"
    context = {
        "language": language,
        "generated_at": now,
        "account_id": user.pk,
        "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        "json_name": JSON_NAME,
        "sections": [
            {
                "anchor": f"s{index}",
                "title": section.title,
                "note": section.note,
                "columns": section.columns,
                "legend": _legend(section),
                "rows_slot": mark_safe(f"<!--{marker}-->"),  # noqa: S308 - our own constant
            }
            for index, section in enumerate(sections)
        ],
    }
    return render_to_string("privacy/export_report.html", context).split(f"<!--{marker}-->")


def _cell(column: Column, raw: Any) -> tuple[str, str]:
    text = column.text(raw)
    return text, (f"{text[: LONG_TEXT // 2]}…" if len(text) > LONG_TEXT else "")


def _report_rows(rows: list[list[tuple[str, str]]], *, span: int) -> bytes:
    """Return table rows of the report, every value escaped; built by hand for speed
    (a template per cell cost most of a large download's time)."""
    escape = html.escape
    if not rows:
        empty = html.escape(_("Nuk mbajmë asgjë këtu për ju."))
        return f'<tr><td colspan="{span}">{empty}</td></tr>\n'.encode()
    lines = []
    for row in rows:
        cells = "".join(
            f"<td><details><summary>{escape(short)}</summary>{escape(text)}</details></td>"
            if short
            else f"<td>{escape(text)}</td>"
            for text, short in row
        )
        lines.append(f"<tr>{cells}</tr>\n")
    return "".join(lines).encode()


def _write_section(section: Section, *, data: IO[bytes], report: SealedWriter, first: bool) -> int:
    head = ENCODER.encode(section.head())
    data.write(f'{"" if first else ","}\n{head[:-1]}, "rows": ['.encode())
    columns = section.columns
    count = 0
    batch: list[list[tuple[str, str]]] = []
    held = 0
    for row in section.rows():
        raws = [column.read(row) for column in columns]
        values = {column.name: column.value(raw) for column, raw in zip(columns, raws, strict=True)}
        data.write(f"{',' if count else ''}\n{ENCODER.encode(values)}".encode())
        cells = [_cell(column, raw) for column, raw in zip(columns, raws, strict=True)]
        batch.append(cells)
        held += sum(len(text) for text, _short in cells)
        count += 1
        if len(batch) == CHUNK_ROWS or held > REPORT_BATCH_CHARS:
            report.write(_report_rows(batch, span=len(columns)))
            batch, held = [], 0
    if batch or not count:
        report.write(_report_rows(batch, span=len(columns)))
    data.write(f'\n], "row_count": {count}}}'.encode())
    return count


def archive_write(
    *, user: Any, language: str, sink: BinaryIO, key: bytes, associated: bytes, now: datetime
) -> ArchiveSummary:
    """Write this person's download into `sink`, sealed with `key` as it is written.

    One query per section, whatever the number of rows. The report is written beside
    the JSON into a temporary file sealed with a throwaway key, then copied in.
    """
    with translation.override(language):
        sections = export_sections(user)
        parts = _report_parts(sections, user=user, language=language, now=now)
        head = ENCODER.encode(
            {
                "schema": SCHEMA_URL,
                "schema_version": SCHEMA_VERSION,
                "generated_at": now,
                "language": language,
                "subject": {"account_id": user.pk},
            }
        )
        sealed = SealedWriter(sink, key=key, associated=associated)
        report_key = new_file_key()
        rows = 0
        with (
            tempfile.TemporaryFile() as report_file,
            zipfile.ZipFile(sealed, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            report = SealedWriter(report_file, key=report_key, associated=b"report")
            report.write(parts[0].encode())
            with archive.open(JSON_NAME, "w") as data:
                data.write(f'{head[:-1]}, "sections": ['.encode())
                for index, section in enumerate(sections):
                    rows += _write_section(section, data=data, report=report, first=index == 0)
                    report.write(parts[index + 1].encode())
                data.write(b"\n]}\n")
            report.close()
            report_file.seek(0)
            with archive.open(REPORT_NAME, "w") as report_member:
                for chunk in sealed_chunks(report_file, key=report_key, associated=b"report"):
                    report_member.write(chunk)
        sealed.close()
    return ArchiveSummary(size=sealed.plaintext_size, rows=rows, fields=export_personal_fields())
