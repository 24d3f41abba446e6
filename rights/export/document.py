"""Write a customer's download (P12): all the shop holds about them, as JSON and as a report.

The sections come from the registry (rights/export/sections.py). The ZIP holds
`data.json` (the schema is rights/schemas/data-export-v1.json, the guide
docs/data-export.md) and `report.html`, written in the customer's language. Both are
written while the rows stream past, and the ZIP is sealed as it is written: no more
than a chunk of rows is held in memory, and no plaintext reaches the disk.
"""

from __future__ import annotations

import html
import secrets
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from privacy.download import CHUNK_ROWS, ENCODER, Column, Section
from privacy.sealed_files import SealedWriter, new_file_key, sealed_chunks
from rights.export.sections import export_personal_fields, export_sections

SCHEMA_URL = "https://3vfejzo.al/schemas/data-export/v1.json"
SCHEMA_VERSION = 1
JSON_NAME = "data.json"
REPORT_NAME = "report.html"
# The most characters of report rows held before they are written out.
REPORT_BATCH_CHARS = 1 << 20
# A longer value is folded in the report, to be opened with a click.
LONG_TEXT = 160


@dataclass(frozen=True)
class ArchiveSummary:
    size: int
    rows: int
    # The qualified names of the declared personal fields the download holds.
    fields: list[str] = field(default_factory=list)


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
    return render_to_string("rights/export_report.html", context).split(f"<!--{marker}-->")


def _cell(column: Column, raw: Any) -> tuple[str, str]:
    text = column.text(raw)
    return text, (f"{text[: LONG_TEXT // 2]}…" if len(text) > LONG_TEXT else "")


def _report_rows(rows: list[list[tuple[str, str]]], *, span: int) -> bytes:
    """Return table rows of the report, every value escaped; built by hand for speed
    (a template per cell cost most of a large download's time)."""
    escape = html.escape
    if not rows:
        empty = escape(_("Nuk mbajmë asgjë këtu për ju."))
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
