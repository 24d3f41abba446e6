"""The data map and the role matrix as Markdown, generated from the code that enforces them."""

from __future__ import annotations

from django.utils import translation

from privacy.models import AccessBasis
from privacy.registry import Category, registry

PURPOSE_COLUMNS = (AccessBasis.ORDER, AccessBasis.SUPPORT_CASE, AccessBasis.BREAK_GLASS)


def data_map_markdown() -> str:
    """Return every declared personal field: category, purposes, mask, encryption, erasure."""
    with translation.override("en"):
        lines = [
            "# Personal-data map",
            "",
            "Generated from the `personal_data.py` declarations by "
            "`manage.py privacy_docs`; a test fails when this file is out of date.",
            "",
            "| field | category | purposes (P4) | mask | encrypted | retention | erasure |",
            "|---|---|---|---|---|---|---|",
        ]
        for declaration in sorted(registry, key=lambda d: d.label):
            for name, entry in declaration.fields.items():
                purposes = ", ".join(purpose.value for purpose in entry.purposes)
                encrypted = (
                    "yes"
                    if entry.encrypted
                    else (f"blind index of `{entry.index_of}`" if entry.index_of else "no")
                )
                lines.append(
                    f"| `{declaration.label}.{name}` | {entry.category.value} | {purposes} "
                    f"| {entry.mask.value} | {encrypted} | {entry.retention.value} "
                    f"| {entry.erasure.value} |"
                )
        lines += ["", "## Look-alike fields that are not personal", ""]
        for declaration in sorted(registry, key=lambda d: d.label):
            for name, reason in declaration.not_personal.items():
                lines.append(f"- `{declaration.label}.{name}`: {reason}")
    return "\n".join(lines) + "\n"


def role_matrix_markdown() -> str:
    """Return which role sees which categories of a customer's data for which purpose."""
    from staff.access import ROLE_MATRIX
    from staff.roles import Role

    lines = [
        "# Role matrix (P5)",
        "",
        "Which categories of a customer's personal data each staff role sees in full, "
        "for each kind of live purpose. Everything else is masked. Generated from "
        "`staff/access.py` `ROLE_MATRIX` by `manage.py privacy_docs`; tested cell by cell "
        "in `staff/tests/test_p5_role_matrix.py`.",
        "",
        "- **order**: an open order of the customer assigned to the staff member, or "
        "(sales) unassigned and placed or confirmed.",
        "- **support_case**: an open case of the customer assigned to the staff member, "
        "or (customer care) unassigned.",
        "- **break_glass**: a typed reason; recorded, mailed to the data-protection "
        "officer, open for `FEJZO_BREAK_GLASS_MINUTES`.",
        "",
        "A self-made purpose (a case the staff member opened, or an order or case they "
        "assigned to themselves from outside their role's queue) opens its cells only on a "
        "typed reason: recorded, shown to the customer, and listed by staff member in the "
        "officers' daily digest.",
        "",
        "Staff without valid privacy-and-security training see everything masked (P14). "
        "Lists and searches are always masked.",
        "",
        "| role | " + " | ".join(basis.value for basis in PURPOSE_COLUMNS) + " |",
        "|---|" + "---|" * len(PURPOSE_COLUMNS),
    ]
    for role in Role:
        cells = []
        for basis in PURPOSE_COLUMNS:
            categories = ROLE_MATRIX[role].get(basis, frozenset())
            cells.append(
                ", ".join(c.value for c in Category if c in categories) if categories else "—"
            )
        lines.append(f"| {role.value} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def retention_markdown() -> str:
    """Return each retention schedule: its period, what it covers, what happens at its end."""
    from rights.retention.services import SCHEDULES

    covered: dict[str, list[str]] = {kind.value: [] for kind in SCHEDULES}
    for declaration in sorted(registry, key=lambda d: d.label):
        for name, entry in declaration.fields.items():
            covered[entry.retention.value].append(f"`{declaration.label}.{name}`")
        if declaration.row_retention:
            covered[declaration.row_retention.value].append(f"`{declaration.label}` (rows)")
    with translation.override("en"):
        lines = [
            "# Retention schedules (P12)",
            "",
            "Generated from the registry and `privacy/retention.py` by "
            "`manage.py privacy_docs`; a test fails when this file is out of date. "
            "`manage.py apply_retention` (and the task worker, daily) applies them; "
            "every period is a setting, and no kind of data is kept forever. The end "
            "of a period erases each field as the registry declares (delete, anonymise "
            "or keep for the law) and skips what a legal hold covers.",
            "",
            "| retention | default period | at the end | fields and tables |",
            "|---|---|---|---|",
        ]
        for kind, schedule in SCHEDULES.items():
            lines.append(
                f"| {kind.value} | {schedule.period()} | {schedule.ending} "
                f"| {', '.join(covered[kind.value]) or '—'} |"
            )
    return "\n".join(lines) + "\n"
