"""Account writes: the profile and the address book (P12 corrections reach open orders)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import Address, User
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


def profile_update(
    *, user: User, first_name: str, last_name: str, phone_e164: str, language: str
) -> ProfileSaved:
    """Save the customer's own details; unshipped orders with the old name or phone follow."""
    # Imported here: orders.services imports accounts.services (checkout saves an
    # address), so importing it back when this module loads would be a cycle.
    from orders.services import Recipient, orders_apply_correction

    before = Recipient(name=user.get_full_name(), phone_e164=user.phone)
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.phone = phone_e164
    user.language = language
    written = ["first_name", "last_name", "phone", "language"]
    with transaction.atomic():
        user.save(update_fields=written)
        personal_change_record(actor=user, subject_id=user.pk, model=User, names=written)
        orders_updated = orders_apply_correction(
            customer=user,
            old=before,
            new=Recipient(name=user.get_full_name(), phone_e164=user.phone),
            actor=user,
        )
    return ProfileSaved(user=user, orders_updated=orders_updated)


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
    # Imported here: orders.services imports this module, see profile_update.
    from orders.services import Place, orders_apply_correction

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
        orders_updated = orders_apply_correction(
            customer=user,
            old=before,
            new=Place(
                municipality=target.municipality,
                street=target.street,
                courier_notes=target.courier_notes,
            ),
            actor=user,
        )
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
