"""Receivers of the contractors app: a customer's correction reaches the courier (P10, P12)."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from accounts.models import User
from accounts.signals import Place, Recipient, address_corrected, profile_corrected
from contractors.services import job_orders_correct


@receiver(profile_corrected, dispatch_uid="contractors.profile_correction_reach_courier")
def profile_correction_reach_courier(
    sender: Any,
    *,
    customer: User,
    old: Recipient,
    new: Recipient,
    actor: User | None,
    **kwargs: Any,
) -> None:
    """Give the orders a courier is carrying under an open job the corrected phone.

    Returns nothing to add to the customer's note, which counts the orders not yet
    sent; the order's page shows the new phone.
    """
    job_orders_correct(customer=customer, old=old, new=new, actor=actor)


@receiver(address_corrected, dispatch_uid="contractors.address_correction_reach_courier")
def address_correction_reach_courier(
    sender: Any, *, customer: User, old: Place, new: Place, actor: User | None, **kwargs: Any
) -> None:
    """Give the orders a courier is carrying under an open job the corrected address."""
    job_orders_correct(customer=customer, old=old, new=new, actor=actor)
