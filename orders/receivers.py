"""Receivers of the orders app: a customer's correction reaches their unshipped orders (P12)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import Place, Recipient, address_corrected, profile_corrected
from orders.services import orders_apply_correction


@receiver(profile_corrected, dispatch_uid="orders.profile_correction_apply")
def profile_correction_apply(
    sender: Any,
    *,
    customer: User,
    old: Recipient,
    new: Recipient,
    actor: User | None,
    **kwargs: Any,
) -> int:
    """Give the unshipped orders the corrected name or phone; return how many took it."""
    return orders_apply_correction(customer=customer, old=old, new=new, actor=actor)


@receiver(address_corrected, dispatch_uid="orders.address_correction_apply")
def address_correction_apply(
    sender: Any, *, customer: User, old: Place, new: Place, actor: User | None, **kwargs: Any
) -> int:
    """Give the unshipped orders the corrected address; return how many took it."""
    return orders_apply_correction(customer=customer, old=old, new=new, actor=actor)
