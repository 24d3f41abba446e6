"""Reads of the access record: what a customer may see of the entries about them (P5)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from privacy.models import AccessAction, AccessEntry
from privacy.withheld import withheld_on


def access_entries_for(
    customer: Any, *, with_actors: bool = False, now: datetime | None = None
) -> QuerySet[AccessEntry]:
    """Return the entries about this customer's data that they may see now, newest first.

    Entries an app withholds from their subject until a date (privacy.withheld: a
    disclosure an authority forbade telling them of) are left out until that day.
    `with_actors` joins the acting account in the same query, for pages that name the
    staff member; an actor whose account is gone comes back as None (no constraint).
    """
    entries = AccessEntry.objects.filter(subject_id=customer.pk).order_by("-id")
    hidden = withheld_on(timezone.localdate(now or timezone.now()))
    if hidden is not None:
        entries = entries.exclude(hidden)
    if with_actors:
        entries = entries.select_related("actor")
    return entries


def break_glass_reasons_for(
    customer: Any, *, places: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], str]:
    """Return the typed reasons of this customer's break-glass entries, by (chain, number).

    A reveal made while the glass is broken refers to the break-glass entry by its number
    in the chain both are in (the customer's); the reason lives on that entry only.
    """
    wanted = set(places)
    if not wanted:
        return {}
    rows = access_entries_for(customer).filter(
        action=AccessAction.BREAK_GLASS,
        chain__in={chain for chain, _seq in wanted},
        seq__in={seq for _chain, seq in wanted},
    )
    reasons = {
        (chain, seq): reason for chain, seq, reason in rows.values_list("chain", "seq", "reason")
    }
    return {place: reason for place, reason in reasons.items() if place in wanted}
