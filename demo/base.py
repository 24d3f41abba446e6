"""Shared building blocks of the demo catalogue tables."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SEED = 2021


@dataclass
class DemoProduct:
    """One product as the demo tables describe it, before it gets an SKU and stock."""

    category: str
    brand: str
    name_sq: str
    name_en: str
    description_sq: str
    description_en: str
    price: int
    specifications: list[dict[str, str]] = field(default_factory=list)


def spec(sq: str, en: str, value: object) -> dict[str, str]:
    """Return one specification row; the value is written the same in both languages."""
    return {"sq": sq, "en": en, "value": str(value)}


def lek(rng: random.Random, approx: float) -> int:
    """Return a shop price near ``approx`` lekë, ending in ...900/...990 (or ...90 when small)."""
    jittered = approx * rng.uniform(0.97, 1.03)
    if jittered >= 10_000:
        return max(1_000, round(jittered / 1_000) * 1_000) - rng.choice((100, 10))
    return max(100, round(jittered / 100) * 100) - 10


def thousands(value: int) -> str:
    """Write 12000 as "12 000", the way Albanian shops write big numbers."""
    return f"{value:,}".replace(",", "\u00a0")
