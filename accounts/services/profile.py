"""Account writes: the profile and the address book (P12 corrections reach open orders)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from accounts.models import Address, User
from accounts.signals import Place, Recipient, address_corrected, profile_corrected
from privacy.audit import personal_change_record
from privacy.registry import registry


@dataclass(frozen=True)
class ProfileSaved:
    user: User
    # Unshipped orders that took the corrected name or phone (P12).
    orders_updated: int


@dataclass(frozen=True)
class AddressSaved:
    address: Address
    # Unshipped orders that took the corrected address (P12).
    orders_updated: int


def _orders_updated(responses: Sequence[tuple[Any, Any]]) -> int:
    """Add up the orders the receivers of a correction said they corrected."""
    return sum(count for _receiver, count in responses if isinstance(count, int))


def profile_update(
    *, user: User, first_name: str, last_name: str, phone_e164: str, language: str
) -> ProfileSaved:
    """Save the customer's own details; unshipped orders with the old name or phone follow."""
    before = Recipient(name=user.get_full_name(), phone_e164=user.phone)
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.phone = phone_e164
    user.language = language
    written = ["first_name", "last_name", "phone", "language"]
    with transaction.atomic():
        user.save(update_fields=written)
        personal_change_record(actor=user, subject_id=user.pk, model=User, names=written)
        responses = profile_corrected.send(
            sender=User,
            customer=user,
            old=before,
            new=Recipient(name=user.get_full_name(), phone_e164=user.phone),
            actor=user,
        )
    return ProfileSaved(user=user, orders_updated=_orders_updated(responses))


def check_address_owner(*, user: User, address: Address) -> None:
    """Refuse another customer's address as if it did not exist (a 404, never a 403)."""
    if address.user_id != user.pk:
        raise Address.DoesNotExist


@transaction.atomic
def address_save(
    *,
    user: User,
    address: Address | None,
    municipality: str,
    street: str,
    courier_notes: str,
    make_default: bool,
) -> AddressSaved:
    """Create or change an address in the user's own book; the first one becomes the default.

    Correcting an address also corrects the unshipped orders still going to it.
    """
    if address is not None:
        check_address_owner(user=user, address=address)
    target = address or Address(user=user)
    before = Place(
        municipality=target.municipality, street=target.street, courier_notes=target.courier_notes
    )
    target.municipality = municipality
    target.street = street.strip()
    target.courier_notes = courier_notes.strip()
    has_default = user.addresses.filter(is_default=True).exclude(pk=target.pk).exists()
    target.is_default = make_default or not has_default
    target.save()
    personal_change_record(
        actor=user,
        subject_id=user.pk,
        model=Address,
        names=registry.fields_of(Address),
    )
    if target.is_default:
        user.addresses.exclude(pk=target.pk).update(is_default=False)
    orders_updated = 0
    if address is not None:
        responses = address_corrected.send(
            sender=Address,
            customer=user,
            old=before,
            new=Place(
                municipality=target.municipality,
                street=target.street,
                courier_notes=target.courier_notes,
            ),
            actor=user,
        )
        orders_updated = _orders_updated(responses)
    return AddressSaved(address=target, orders_updated=orders_updated)


@transaction.atomic
def address_delete(*, user: User, address: Address) -> None:
    check_address_owner(user=user, address=address)
    was_default = address.is_default
    address.delete()
    personal_change_record(
        actor=user,
        subject_id=user.pk,
        model=Address,
        names=registry.fields_of(Address),
    )
    if was_default:
        replacement = user.addresses.order_by("-created_at").first()
        if replacement is not None:
            replacement.is_default = True
            replacement.save(update_fields=["is_default"])
