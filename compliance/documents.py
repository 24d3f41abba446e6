"""The officer's two documents as PDF and as plain text, from `records` and `report`."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from compliance.junit import Outcome
from compliance.pdf import PdfDocument
from compliance.records import Records
from compliance.report import Report
from privacy.registry import Category


def _moment(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y, H:i")


def _categories(categories: frozenset[Category] | tuple[Category, ...]) -> str:
    return ", ".join(str(c.label) for c in Category if c in categories) or "—"


def records_pdf(records: Records) -> bytes:
    """Return the records of processing as a PDF."""
    names = {recipient.key: recipient.name for recipient in records.recipients}
    document = PdfDocument(
        title=gettext("Regjistri i veprimtarive të përpunimit"),
        subtitle=gettext("%(controller)s · %(contact)s · krijuar më %(moment)s")
        % {
            "controller": records.controller,
            "contact": records.contact,
            "moment": _moment(records.generated_at),
        },
        landscape=True,
    )
    if records.problems:
        document.heading(gettext("Mungojnë hyrje"))
        for problem in records.problems:
            document.paragraph(problem, bold=True)
    document.heading(gettext("Qëllimet (P4)"))
    document.table(
        [gettext("Qëllimi"), gettext("Fjalët e politikës"), gettext("Kategoritë"), "#"],
        [
            [entry.purpose.label, entry.words, _categories(entry.categories), entry.fields]
            for entry in records.purposes
        ],
        widths=(3, 5, 5, 1),
    )
    document.heading(gettext("Kategoritë dhe fushat"))
    for category, entries in records.categories:
        document.paragraph(str(category.label), bold=True)
        document.table(
            [
                gettext("Fusha"),
                gettext("Qëllimet"),
                gettext("Ruajtja"),
                gettext("Në fund"),
                gettext("Masat"),
                gettext("Marrësit"),
            ],
            [
                [
                    f"{entry.name}\n{entry.label}",
                    ", ".join(str(purpose.label) for purpose in entry.purposes),
                    f"{entry.retention.label}\n{entry.period}",
                    entry.erasure.label,
                    "; ".join(entry.safeguards),
                    ", ".join(names[key] for key in entry.recipients),
                ]
                for entry in entries
            ],
            widths=(5, 4, 4, 2, 4, 6),
            size=6,
        )
    document.heading(gettext("Marrësit"))
    document.table(
        [
            gettext("Marrësi"),
            gettext("Lloji"),
            gettext("Puna"),
            gettext("Kategoritë"),
            gettext("Qëllimet"),
            gettext("Masat"),
        ],
        [
            [
                recipient.name + ("\n" + "\n".join(recipient.fields) if recipient.fields else ""),
                recipient.kind.label,
                recipient.work,
                _categories(recipient.categories),
                ", ".join(str(purpose.label) for purpose in recipient.purposes),
                recipient.safeguards,
            ]
            for recipient in records.recipients
        ],
        widths=(5, 2, 4, 3, 3, 5),
        size=6,
    )
    document.heading(gettext("Afatet e ruajtjes"))
    document.table(
        [gettext("Ruajtja"), gettext("Afati"), gettext("Në fund"), "#"],
        [
            [entry.retention.label, entry.period, entry.ending, entry.fields]
            for entry in records.retention
        ],
        widths=(4, 4, 6, 1),
    )
    document.heading(gettext("Masat e sigurisë"))
    for text in records.safeguards:
        document.paragraph(f"- {text}")
    return document.render(created=records.generated_at)


def outcome_counts(passed: int, failed: int, skipped: int) -> str:
    return gettext("%(passed)d kaluan, %(failed)d dështuan, %(skipped)d u anashkaluan") % {
        "passed": passed,
        "failed": failed,
        "skipped": skipped,
    }


def report_pdf(report: Report) -> bytes:
    """Return the compliance report as a PDF: the summary, then each clause in full."""
    now = timezone.now()
    document = PdfDocument(
        title=gettext("Raporti i përputhshmërisë"),
        subtitle=gettext("Rezultatet nga: %(files)s · krijuar më %(moment)s")
        % {"files": ", ".join(report.sources) or "—", "moment": _moment(now)},
    )
    document.table(
        [gettext("Klauzola"), gettext("Gjendja"), gettext("Kontrollet"), gettext("Testet")],
        [
            [
                f"{status.clause.id} {status.clause.heading}\n{status.clause.promise}",
                gettext("në rregull")
                if status.green
                else gettext("e kuqe: %(why)s") % {"why": ", ".join(status.reasons)},
                len(status.controls),
                outcome_counts(status.passed, status.failed, status.skipped),
            ]
            for status in report.clauses
        ],
        widths=(7, 4, 2, 4),
    )
    for status in report.clauses:
        document.heading(f"{status.clause.id} {status.clause.heading}")
        document.table(
            [gettext("Kontrolli"), gettext("Si e mban")],
            [[f"{c.where}\n{c.path}:{c.line}", c.why] for c in status.controls]
            or [["—", gettext("asnjë kontroll i etiketuar")]],
            widths=(5, 5),
        )
        failing = [t for t in status.tests if t.outcome != Outcome.PASSED]
        passing = [t for t in status.tests if t.outcome == Outcome.PASSED]
        document.table(
            [gettext("Testi"), gettext("Rezultati")],
            [[t.node, t.outcome.label] for t in [*failing, *passing]]
            or [["—", gettext("asnjë test me emrin e saj")]],
            widths=(8, 2),
            size=6,
        )
    return document.render(created=now)


def report_text(report: Report) -> str:
    """Return the report as the command prints it: one line per clause, then what is red."""
    lines = []
    for status in report.clauses:
        state = "OK  " if status.green else "RED "
        lines.append(
            f"{state}{status.clause.id:<4} {gettext('kontrolle')} {len(status.controls):>3}  "
            f"{gettext('teste')} {len(status.tests):>4}: "
            + outcome_counts(status.passed, status.failed, status.skipped)
            + ("" if status.green else f"  ({', '.join(status.reasons)})")
        )
        for result in status.tests:
            if result.outcome == Outcome.FAILED:
                lines.append(f"      {gettext('dështoi')}: {result.node}")
    return "\n".join(lines)
