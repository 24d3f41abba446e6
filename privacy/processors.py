"""Outside services that receive personal data for the shop (processors), as each app declares them.

The app that hands data to a service says so beside its fields, in its
`personal_data.py`: the mail app its mail provider, support the inbound mail route.
The records of processing (`compliance.records`) list them as recipients, and fail
their completeness check when one names no purpose of the policy (P4) or no safeguard.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from privacy.registry import Category, Purpose


@dataclass(frozen=True)
class Processor:
    # Stable code, as the records' JSON names it.
    key: str
    # Lazy, translated: who they are and what they do for the shop.
    name: Any
    service: Any
    categories: frozenset[Category]
    purposes: tuple[Purpose, ...]
    # Lazy, translated: what keeps the data safe with them.
    safeguards: Any
    # The setting that switches the service on ("" when it always runs).
    setting: str = ""


class Processors:
    """The declared processors, in the order the apps declared them."""

    def __init__(self) -> None:
        self._by_key: dict[str, Processor] = {}

    def declare(self, processor: Processor) -> Processor:
        if processor.key in self._by_key:
            raise ValueError(f"The processor {processor.key!r} is declared twice.")
        self._by_key[processor.key] = processor
        return processor

    def __iter__(self) -> Iterator[Processor]:
        return iter(self._by_key.values())


PROCESSORS = Processors()
processor_declare = PROCESSORS.declare
