"""One small PDF writer for the officer's documents: the records and the compliance report.

fpdf2 is pure Python: it renders in CI with no network and nothing installed beyond pip
(WeasyPrint would need the system's Pango). Its built-in Helvetica covers Latin-1, which
holds every Albanian letter (ë, ç, Ë, Ç); the few typographic marks outside it are
written as their plain equivalents, and anything else as "?", never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from fpdf import FPDF
from fpdf.fonts import FontFace

PLAIN = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "…": "...",
        "→": "->",
        "€": "EUR",
        "•": "-",
        "\u00a0": " ",
    }
)
FONT = "helvetica"
HEADER = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def latin1(text: object) -> str:
    """Return the text in the characters the built-in font has."""
    return str(text).translate(PLAIN).encode("latin-1", "replace").decode("latin-1")


class PdfDocument:
    """A titled A4 document of headings, paragraphs and tables; `render()` gives its bytes."""

    def __init__(self, *, title: str, subtitle: str, landscape: bool = False) -> None:
        self._pdf = FPDF(orientation="L" if landscape else "P", format="A4")
        self._pdf.set_title(latin1(title))
        self._pdf.set_author("3VFejzo")
        self._pdf.set_auto_page_break(auto=True, margin=15)
        self._pdf.add_page()
        self._pdf.set_font(FONT, "B", 16)
        self._pdf.multi_cell(0, 8, latin1(title), new_x="LMARGIN", new_y="NEXT")
        self._pdf.set_font(FONT, "", 9)
        self._pdf.multi_cell(0, 5, latin1(subtitle), new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(3)

    def heading(self, text: str) -> None:
        self._pdf.ln(2)
        self._pdf.set_font(FONT, "B", 12)
        self._pdf.multi_cell(0, 7, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self._pdf.set_font(FONT, "", 9)

    def paragraph(self, text: str, *, bold: bool = False) -> None:
        self._pdf.set_font(FONT, "B" if bold else "", 9)
        self._pdf.multi_cell(0, 5, latin1(text), new_x="LMARGIN", new_y="NEXT")
        self._pdf.set_font(FONT, "", 9)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[object]],
        *,
        widths: Sequence[int],
        size: int = 7,
    ) -> None:
        """Write a table; `widths` are the columns' relative widths."""
        self._pdf.set_font(FONT, "", size)
        with self._pdf.table(
            col_widths=tuple(widths), headings_style=HEADER, line_height=size * 0.5
        ) as table:
            heading = table.row()
            for text in headers:
                heading.cell(latin1(text))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(latin1(value))
        self._pdf.set_font(FONT, "", 9)
        self._pdf.ln(2)

    def render(self, *, created: datetime | None = None) -> bytes:
        if created is not None:
            self._pdf.set_creation_date(created)
        return bytes(self._pdf.output())
