from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.crypto import constant_time_compare

from accounts.models import Address, EmailChange, User
from accounts.tokens import email_change_password_state, email_change_token_hash


def address_list(*, user: User) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def address_get(*, user: User, address_id: int) -> Address:
    """Return one of the user's own addresses; anyone else's is a 404, not a 403."""
    return get_object_or_404(address_list(user=user), pk=address_id)


def email_change_for_token(*, token: str) -> EmailChange | None:
    """Return the unconfirmed change a link names, expired or not; None for any other token.

    A change asked before the password last changed is void, like its link.
    """
    if not token or len(token) > 100:
        return None
    change = (
        EmailChange.objects.filter(
            token_hash=email_change_token_hash(token),
            confirmed_at__isnull=True,
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if change is None or not constant_time_compare(
        change.password_state, email_change_password_state(change.user)
    ):
        return None
    return change


def email_change_pending(*, user: User) -> EmailChange | None:
    """Return the user's change still waiting for its link, if it has not expired."""
    change = EmailChange.objects.filter(user=user, confirmed_at__isnull=True).first()
    return change if change is not None and not change.is_expired() else None
