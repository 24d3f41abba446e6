"""Turn a policy's plain text into headings and paragraphs, without changing a word."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

ALBANIAN_MONTHS = [
    "Janar",
    "Shkurt",
    "Mars",
    "Prill",
    "Maj",
    "Qershor",
    "Korrik",
    "Gusht",
    "Shtator",
    "Tetor",
    "Nëntor",
    "Dhjetor",
]


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "subheading", "paragraph", "title", "brand"
    text: str


def _is_heading(line: str) -> bool:
    letters = [char for char in line if char.isalpha()]
    return bool(letters) and all(char.isupper() for char in letters) and len(line) < 80


def policy_blocks(body: str, *, title: str) -> list[Block]:
    """Return the text as blocks: an all-capitals line is a heading, the title line the title."""
    blocks: list[Block] = []
    for chunk in body.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if lines[0] == title and not any(block.kind == "title" for block in blocks):
            blocks.append(Block("title", lines[0]))
            lines = lines[1:]
        elif not blocks and len(lines) == 1 and len(lines[0]) < 40:
            blocks.append(Block("brand", lines[0]))
            continue
        for index, line in enumerate(lines):
            if _is_heading(line):
                followed = index + 1 < len(lines)
                blocks.append(Block("subheading" if followed else "heading", line))
            else:
                blocks.append(Block("paragraph", line))
    return blocks


def format_document_date(value: datetime.date, *, language: str) -> str:
    """Write a date the way the policy does: "1 Mars 2021" (or "1 March 2021")."""
    if language.startswith("en"):
        return f"{value.day} {value:%B} {value.year}"
    return f"{value.day} {ALBANIAN_MONTHS[value.month - 1]} {value.year}"


DATE_HEADING = "DATA E PËRDITËSIMIT"
_STATED_DATE = re.compile(
    rf"({re.escape(DATE_HEADING)}\s*\n\s*\n?)\d{{1,2}} [^\W\d_]+ \d{{4}}(\s*)$"
)


def stamp_document_date(body: str, value: datetime.date) -> str:
    """Return the text with the date under its closing "DATA E PËRDITËSIMIT" made `value`.

    A new version drafted from the one in force still states the old date; the text
    a customer reads must state the date it took effect (P16). Text without that
    closing heading is returned unchanged.
    """
    return _STATED_DATE.sub(
        lambda match: (
            f"{match.group(1)}{format_document_date(value, language='sq')}{match.group(2)}"
        ),
        body,
    )
