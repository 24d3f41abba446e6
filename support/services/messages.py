"""A message added to a case's thread, with its photos, recorded as a change (P9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import letter_count
from core.uploads import CleanImage
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, ActorKind
from privacy.registry import qualified
from support.models import AuthorKind, CaseAttachment, CaseMessage, SupportCase
from support.services.photos import MAX_PHOTOS_PER_MESSAGE

# A message must say something: at least this many letters.
MESSAGE_MIN_LETTERS = 2
MESSAGE_MAX_CHARS: int = CaseMessage._meta.get_field("body").max_length  # type: ignore[assignment]


def message_clean(body: str) -> str:
    """Return the message as it is kept, or raise ValidationError in the user's language."""
    text = body.strip()
    if letter_count(text) < MESSAGE_MIN_LETTERS:
        raise ValidationError(_("Shkruani mesazhin."), code="empty")
    if len(text) > MESSAGE_MAX_CHARS:
        raise ValidationError(_("Mesazhi është shumë i gjatë."), code="too_long")
    return text


def photos_check(photos: Sequence[CleanImage]) -> None:
    if len(photos) > MAX_PHOTOS_PER_MESSAGE:
        raise ValidationError(
            _("Bashkëngjitni deri në %(count)d fotografi me një mesazh."),
            code="too_many_photos",
            params={"count": MAX_PHOTOS_PER_MESSAGE},
        )


def case_reference(case: SupportCase) -> str:
    """Return how the access record names the case."""
    return f"#{case.pk}"


def message_add(
    *,
    case: SupportCase,
    body: str,
    kind: AuthorKind,
    actor: Any,
    with_photos: bool = False,
) -> CaseMessage:
    """Add a message to the case; record what was written.

    The caller stores the message's photos (`photos_store`) as its last step, and says
    here that it will, so the record names them.
    """
    message = CaseMessage.objects.create(
        case=case, author_kind=kind, author=actor if getattr(actor, "pk", None) else None, body=body
    )
    fields = [qualified(CaseMessage, "body")]
    if with_photos:
        fields.append(qualified(CaseAttachment, "photo"))
    access_record(
        actor=actor,
        subject_id=case.customer_id,
        action=AccessAction.CHANGE,
        fields=fields,
        basis=AccessBasis.SELF_SERVICE if kind == AuthorKind.CUSTOMER else AccessBasis.SUPPORT_CASE,
        reference=case_reference(case),
        # A customer writes by mail with no account signed in: still the customer.
        actor_kind=ActorKind.SYSTEM if kind == AuthorKind.NOTE else None,
    )
    return message
