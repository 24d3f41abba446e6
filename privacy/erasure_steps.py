"""What each app does when people are erased (P12), beside what the registry declares.

The erasure engine (`rights.erasure`) erases every declared field by itself. Some apps
own work that is no field: stopping the sign-in, keeping a do-not-mail hash, forgetting
sign-in records, holding an order in flight. They register it here, beside their field
declarations, and the engine runs what was registered, in the erasing transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q


@dataclass(frozen=True)
class People:
    """Who is being erased: their accounts, the addresses they proved their own (by
    account), and whether they asked for it (rather than retention ending it)."""

    user_ids: Sequence[int]
    emails: Mapping[int, str]
    by_request: bool


@dataclass(frozen=True)
class ErasureStep:
    name: str
    run: Callable[[People], Any]


@dataclass(frozen=True)
class OpenWork:
    """A person's rows the erasure must hold while they are open: the shop still owes
    or may be owed something on them (an order in flight, an open case)."""

    model: type[Model]
    customer_field: str
    open: Q
    # The legal hold's column that points at such a row, and why it holds.
    hold_field: str
    hold_kind: str
    # What the hold's reference shows, from the row's columns below.
    columns: tuple[str, ...]
    reference: Callable[[dict[str, Any]], str]


ERASURE_STEPS: list[ErasureStep] = []
OPEN_WORK: list[OpenWork] = []


def erasure_step(name: str) -> Callable[[Callable[[People], Any]], Callable[[People], Any]]:
    """Register a function the engine calls for the people it erases, before their rows."""

    def register(run: Callable[[People], Any]) -> Callable[[People], Any]:
        if any(step.name == name for step in ERASURE_STEPS):
            raise ValueError(f"An erasure step {name} is already registered.")
        ERASURE_STEPS.append(ErasureStep(name, run))
        return run

    return register


def open_work_hold(work: OpenWork) -> None:
    """Register rows that erasure holds while they are open."""
    OPEN_WORK.append(work)
