"""Where staff purposes come from (P5): each app registers the records that give one.

A staff member sees a customer's data only while a record of that customer gives them a
purpose: an order assigned to them, a case in their queue. The app that owns the record
says here which of its records are open, who holds them, which wait in a queue and when
the holder made the purpose themselves; `staff.access` loops over these sources and
decides with its role matrix what each role sees for each basis. A new kind of record
(a contractor's job) registers a source of its own, and nothing central changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, Q

from privacy.models import AccessBasis


@dataclass(frozen=True)
class PurposeSource:
    basis: AccessBasis
    model: type[Model]
    customer_field: str
    assignee_field: str
    # Records still being served; a closed one gives nobody a purpose.
    open: Q
    # Open records nobody holds yet that anyone of the queue's roles may take.
    queue: Q
    order_by: str
    # The columns `reference` and `self_made` read, as a dict per record.
    columns: tuple[str, ...]
    # The reference the access record and the customer's page show ("3VF-…", "#12").
    reference: Callable[[dict[str, Any]], str]
    # Whether the holder handed it to themselves (`staff_id`): `from_queue` says whether
    # their role takes this kind of record from its queue, where taking a customer's
    # record serves the customer's purpose, not one the staff member made.
    self_made: Callable[[dict[str, Any], int, bool], bool]
    # The pages a record serves besides the customer as a whole: the record's own page
    # (model label -> "pk") and pages of records it belongs to (label -> their key).
    serves: Mapping[str, str] = field(default_factory=dict)


class PurposeSources:
    """The registered sources, one per basis, in the order the apps registered them."""

    def __init__(self) -> None:
        self._sources: dict[AccessBasis, PurposeSource] = {}

    def register(self, source: PurposeSource) -> None:
        if source.basis in self._sources:
            raise ValueError(f"A purpose source for {source.basis} is already registered.")
        self._sources[source.basis] = source

    def __iter__(self) -> Iterator[PurposeSource]:
        return iter(self._sources.values())

    def get(self, basis: AccessBasis) -> PurposeSource | None:
        return self._sources.get(basis)


purpose_sources = PurposeSources()
