"""Entries of the access record their subject may not see yet (P11).

An authority may forbid telling a person that their data was disclosed, until a date.
The entries recording such a disclosure stay in the chain as they were written
(append-only, `audit_verify` walks them), but the person's own pages (the transparency
page, the download) leave them out until the date comes. The app that owns the reason
registers the condition here, beside its other declarations; `access_entries_for`
applies every registered condition, so the pages never name the apps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q


@dataclass(frozen=True)
class WithheldEntries:
    key: str
    # The entries hidden from their subject on this day (the shop's local date), as a
    # condition on AccessEntry.
    hidden_on: Callable[[date], Q]


WITHHELD_ENTRIES: list[WithheldEntries] = []


def access_entries_withheld(*, key: str, hidden_on: Callable[[date], Q]) -> None:
    """Hide the entries `hidden_on(day)` selects from their subject's own pages on that day."""
    if any(withheld.key == key for withheld in WITHHELD_ENTRIES):
        raise ValueError(f"Withheld entries {key} are already registered.")
    WITHHELD_ENTRIES.append(WithheldEntries(key, hidden_on))


def withheld_on(day: date) -> Q | None:
    """Return the condition of every entry hidden from its subject on `day`, or None."""
    condition: Q | None = None
    for withheld in WITHHELD_ENTRIES:
        hidden = withheld.hidden_on(day)
        condition = hidden if condition is None else condition | hidden
    return condition
