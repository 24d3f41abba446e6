from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Address, User


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_get(*, user: User, address_id: int) -> Address:
    """Return one of the user's own addresses; anyone else's is a 404, not a 403."""
    return get_object_or_404(address_list(user=user), pk=address_id)
