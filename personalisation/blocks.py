"""What a visitor who agreed to personalisation sees in place of the best-sellers (P7)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest

from catalog.models import Product
from personalisation.history import history_read
from personalisation.selectors import recently_viewed, suggestions


@dataclass(frozen=True)
class PersonalBlocks:
    recently_viewed: list[Product]
    suggestions: list[Product]


def personal_blocks(request: HttpRequest, *, current: int | None = None) -> PersonalBlocks | None:
    """Return this visitor's blocks, or None where the page shows the best-sellers instead.

    None without personalisation consent, and with it while there is no history to draw
    on yet. ``current`` is the product on the page: it is left out of both blocks, and
    suggestions start from it too. Never put the result in a cache other visitors share.
    """
    viewed = history_read(request)
    if not viewed:
        return None
    basis = viewed if current is None else [current, *viewed]
    blocks = PersonalBlocks(
        recently_viewed=recently_viewed(viewed, exclude=current),
        suggestions=suggestions(basis),
    )
    if not blocks.recently_viewed and not blocks.suggestions:
        return None
    return blocks
