"""Cases of people without an account (yet): the contact form, and joining an account (P9).

A visitor's case holds the name and address they gave. It joins an account only once
that account has proven the address its own (verified it, or signs in with it verified):
anyone can type anyone's address into a form or a mail's From, and an unproven address
joins nothing. An order number a visitor typed stays text until then, and becomes the
case's order only if the joining account placed it.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.email import normalise_email
from core.text import letter_count, visible_text
from privacy.fields import BlindIndexField
from support.models import AuthorKind, CaseChannel, SupportCase
from support.services.cases import case_save
from support.services.messages import message_add, message_clean

NAME_MIN_LETTERS = 2
NAME_MAX_CHARS = 150
SUMMARY_CHARS = 80
ORDER_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,39}$")
# The orders app sits above support: its model is reached through the case's link to it.
Order: Any = SupportCase._meta.get_field("order").related_model


def contact_name_clean(name: str) -> str:
    shown = visible_text(name)
    if letter_count(shown) < NAME_MIN_LETTERS:
        raise ValidationError(_("Shkruani emrin tuaj."), code="name")
    if len(shown) > NAME_MAX_CHARS:
        raise ValidationError(_("Emri është shumë i gjatë."), code="name_too_long")
    return shown


def contact_email_clean(email: str) -> str:
    address = normalise_email(email)
    try:
        validate_email(address)
    except ValidationError as invalid:
        raise ValidationError(
            _("Shkruani një adresë email-i të vlefshme, p.sh. emri@shembull.al."), code="email"
        ) from invalid
    return address


def order_number_clean(number: str) -> str:
    shown = visible_text(number).upper()
    if shown and not ORDER_NUMBER.match(shown):
        raise ValidationError(
            _(
                "Numri i porosisë përmban vetëm shkronja, shifra dhe viza, si në email-in "
                "e porosisë."
            ),
            code="order_number",
        )
    return shown


def _summary_of(text: str) -> str:
    first_line = visible_text(text.strip().splitlines()[0]) if text.strip() else ""
    if len(first_line) > SUMMARY_CHARS:
        return first_line[: SUMMARY_CHARS - 1] + "…"
    return first_line


@transaction.atomic
def case_open_by_visitor(
    *, name: str, email: str, order_number: str, body: str, language: str, actor: Any
) -> SupportCase:
    """Open a case from the contact form; the answer goes by mail to the address given."""
    text = message_clean(body)
    case = SupportCase(
        customer=None,
        channel=CaseChannel.WEBSITE,
        summary=_summary_of(text),
        contact_name=contact_name_clean(name),
        contact_email=contact_email_clean(email),
        order_number=order_number_clean(order_number),
        language=language,
    )
    case_save(
        case=case,
        changed=["summary", "contact_name", "contact_email", "order_number"],
        actor=actor,
    )
    message_add(case=case, body=text, kind=AuthorKind.CUSTOMER, actor=actor)
    return case


def _index_of(address: str) -> str:
    index_field = SupportCase._meta.get_field("contact_email_index")
    assert isinstance(index_field, BlindIndexField)
    return index_field.index_for(address)


@transaction.atomic
def cases_join_account(*, user: Any, address: str) -> int:
    """Give the account the cases visitors opened under `address`, which it has just proven
    its own; return how many joined.

    The caller vouches for the proof (a verification, a confirmed address change, a
    sign-in of an account whose address is verified). Staff accounts join nothing.
    """
    if user.is_staff or not address:
        return 0
    waiting = list(
        SupportCase.objects.select_for_update()
        .filter(customer__isnull=True, contact_email_index=_index_of(address))
        .order_by("pk")
    )
    for case in waiting:
        case.customer = user
        if case.order_number and case.order_id is None:
            case.order = Order._default_manager.filter(
                number=case.order_number, customer_id=user.pk
            ).first()
        case.save(update_fields=["customer", "order"])
    return len(waiting)


def cases_join_verified(*, user: Any) -> int:
    """Join the visitors' cases under the account's address, if it has verified it."""
    if not getattr(user, "email_verified", False):
        return 0
    return cases_join_account(user=user, address=user.email)
