"""The data map and the role matrix as Markdown, generated from the code that enforces them."""

from __future__ import annotations

from django.utils import translation

from privacy.models import AccessBasis
from privacy.purposes import purpose_sources
from privacy.registry import Category, registry
from privacy.roles import ROLE_PERMISSIONS, Role
from rights.retention.services import SCHEDULES
from staff.access import ROLE_MATRIX


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
    """Return which role sees which categories of a customer's data for which purpose,
    and what each role may do in the back office."""
    columns = [*(source.basis for source in purpose_sources), AccessBasis.BREAK_GLASS]
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
        "| role | " + " | ".join(basis.value for basis in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    for role in Role:
        cells = []
        for basis in columns:
            categories = ROLE_MATRIX[role].get(basis, frozenset())
            cells.append(
                ", ".join(c.value for c in Category if c in categories) if categories else "—"
            )
        lines.append(f"| {role.value} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## What each role may do",
        "",
        "The permissions each app grants to the roles in its `permissions.py`; "
        "`roles_sync` gives each role's group exactly these on every `migrate`.",
        "",
    ]
    for role in Role:
        granted = ", ".join(f"`{name}`" for name in sorted(ROLE_PERMISSIONS[role])) or "—"
        lines.append(f"- **{role.value}**: {granted}")
    return "\n".join(lines) + "\n"


def retention_markdown() -> str:
    """Return each retention schedule: its period, what it covers, what happens at its end."""

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
            "Generated from the registry and the schedules each app declares in its "
            "`personal_data.py` by `manage.py privacy_docs`; a test fails when this file "
            "is out of date. "
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
