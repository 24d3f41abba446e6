"""A case's life: opened, answered, handed over; experts asked in and out; reads recorded (P9)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.clauses import enforces
from core.text import letter_count, visible_text
from core.uploads import CleanImage
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis
from privacy.registry import qualified, registry
from privacy.roles import Role, roles_label, staff_roles
from support.models import (
    AuthorKind,
    CaseAttachment,
    CaseChannel,
    CaseExpert,
    CaseHandover,
    CaseMessage,
    CaseStatus,
    SupportCase,
)
from support.services.messages import case_reference, message_add, message_clean, photos_check
from support.services.outgoing import case_reply_mail
from support.services.photos import photos_store

EXPERT_REASON_MIN_LETTERS = 10
# Roles that never reach what a customer told support, invited or not (P9).
NEVER_CASE_TEXT = frozenset({Role.MARKETING, Role.SALES})
# What an invited expert reads: what was said, never who said it or their address.
CASE_TEXT = (
    qualified(SupportCase, "summary"),
    qualified(SupportCase, "customer_message"),
    qualified(CaseMessage, "body"),
)


class CaseRefused(PermissionDenied):
    """Who asked does not handle this case (or no longer), so its text stays closed (P9)."""


class CaseClosed(ValidationError):
    """A closed case takes no more messages."""


@transaction.atomic
def case_save(*, case: SupportCase, changed: list[str], actor: Any) -> SupportCase:
    """Open or update a support case; what the customer said is recorded as a change.

    Who made the case's current hands is kept (P5): whoever opens it, assigns,
    reassigns or releases it, or opens it again, is its `assigned_by`. Only a staff
    member taking an open case from the unassigned queue, where someone else put it,
    is `taken_from_queue`; staff.access tells from these whose purpose the case is.
    """
    now = timezone.now()
    staff = actor if getattr(actor, "is_staff", False) else None
    handover: tuple[Any, Any] | None = None
    if case.pk is None:
        case.opened_by = staff
        case.assigned_by = staff
        case.taken_from_queue = False
    else:
        before = SupportCase.objects.select_for_update().get(pk=case.pk)
        reopened = before.status == CaseStatus.CLOSED and case.status == CaseStatus.OPEN
        if before.assigned_to_id != case.assigned_to_id or reopened:
            # Waiting in the queue, put there by someone other than who takes it now.
            in_queue = (
                before.assigned_to_id is None
                and before.status == CaseStatus.OPEN
                and before.assigned_by_id != getattr(staff, "pk", None)
            )
            case.taken_from_queue = (
                in_queue and staff is not None and case.assigned_to_id == staff.pk
            )
            case.assigned_by = staff
        if before.assigned_to_id is not None and before.assigned_to_id != case.assigned_to_id:
            handover = (before.assigned_to_id, case.assigned_to_id)
    if case.opened_at is None:
        case.opened_at = now
    if case.status == CaseStatus.CLOSED and case.closed_at is None:
        case.closed_at = now
    elif case.status == CaseStatus.OPEN:
        case.closed_at = None
    case.save()
    if case.status == CaseStatus.CLOSED:
        # Closing the case ends every invitation (P9).
        case.experts.filter(left_at__isnull=True).update(left_at=now)
    if handover is not None:
        _handover_record(case=case, owners=handover, actor=staff, now=now)
    personal = [name for name in changed if name in registry.fields_of(SupportCase)]
    if personal:
        access_record(
            actor=actor,
            subject_id=case.customer_id,
            action=AccessAction.CHANGE,
            fields=[qualified(SupportCase, name) for name in personal],
            basis=AccessBasis.SUPPORT_CASE,
            reference=f"#{case.pk}",
        )
    return case


def _handover_record(*, case: SupportCase, owners: tuple[Any, Any], actor: Any, now: Any) -> None:
    """Record a reassignment; the experts the former owner asked in leave with it (P9).

    The new owner asks in whom they need, for their own stated reason.
    """
    ended = case.experts.filter(left_at__isnull=True).update(left_at=now)
    CaseHandover.objects.create(
        case=case,
        from_owner_id=owners[0],
        to_owner_id=owners[1],
        by=actor,
        experts_ended=ended,
        at=now,
    )


@transaction.atomic
def case_open_by_customer(
    *,
    customer: Any,
    summary: str,
    body: str,
    order: Any | None,
    actor: Any,
    photos: Sequence[CleanImage] = (),
) -> SupportCase:
    """Open a case from the customer's account, optionally about one of their orders."""
    text = message_clean(body)
    photos_check(photos)
    if order is not None and order.customer_id != customer.pk:
        raise CaseRefused
    case = SupportCase(
        customer=customer,
        order=order,
        channel=CaseChannel.WEBSITE,
        summary=visible_text(summary)[:200],
    )
    case_save(case=case, changed=["summary"], actor=actor)
    message = message_add(
        case=case, body=text, kind=AuthorKind.CUSTOMER, actor=actor, with_photos=bool(photos)
    )
    photos_store(case=case, message=message, photos=photos)
    return case


@transaction.atomic
def case_customer_reply(
    *, case: SupportCase, body: str, actor: Any, photos: Sequence[CleanImage] = ()
) -> CaseMessage:
    """Add the customer's answer, and the photos they attached, to their open case."""
    text = message_clean(body)
    photos_check(photos)
    locked = SupportCase.objects.select_for_update().get(pk=case.pk)
    if locked.customer_id is None or locked.customer_id != getattr(actor, "pk", None):
        raise CaseRefused
    if locked.status != CaseStatus.OPEN:
        raise CaseClosed(
            _("Ky rast është mbyllur. Nëse keni nevojë, hapni një rast të ri."), code="closed"
        )
    message = message_add(
        case=locked, body=text, kind=AuthorKind.CUSTOMER, actor=actor, with_photos=bool(photos)
    )
    photos_store(case=locked, message=message, photos=photos)
    return message


def case_expert_active(*, case: SupportCase, staff: Any) -> bool:
    """Whether `staff` is an expert asked into this open case who has not left it."""
    return CaseExpert.objects.active().filter(case=case, expert_id=staff.pk).exists()


@enforces("P9", "a case is seen only by its owner or an expert invited to it")
def _check_handles(*, case: SupportCase, staff: Any) -> AuthorKind:
    """Return how `staff` handles this case: its owner, or an invited expert; refuse others.

    Marketing and sales are refused even should the case have been handed to them.
    """
    if not getattr(staff, "is_staff", False) or case.status != CaseStatus.OPEN:
        raise CaseRefused
    if staff_roles(staff) & NEVER_CASE_TEXT:
        raise CaseRefused
    if case.assigned_to_id == staff.pk:
        return AuthorKind.STAFF
    if case_expert_active(case=case, staff=staff):
        return AuthorKind.EXPERT
    raise CaseRefused


@transaction.atomic
def case_reply(*, case: SupportCase, body: str, actor: Any) -> CaseMessage:
    """The shop answers: the owner or an invited expert writes, and the customer is mailed.

    A conversation begun by mail or by a visitor gets the answer itself by mail
    (support.services.outgoing); a customer who wrote from their account is told there
    is one, and reads it there.
    """
    text = message_clean(body)
    locked = (
        SupportCase.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=case.pk)
    )
    kind = _check_handles(case=locked, staff=actor)
    message = message_add(case=locked, body=text, kind=kind, actor=actor)
    case_reply_mail(case=locked, message=message)
    return message


@transaction.atomic
def case_expert_invite(*, case: SupportCase, expert: Any, reason: str, actor: Any) -> CaseExpert:
    """The case's owner asks a colleague in, for a stated reason (P9)."""
    locked = SupportCase.objects.select_for_update().get(pk=case.pk)
    if _check_handles(case=locked, staff=actor) != AuthorKind.STAFF:
        raise CaseRefused
    stated = visible_text(reason)
    if letter_count(stated) < EXPERT_REASON_MIN_LETTERS:
        raise ValidationError(
            _("Shkruani pse duhet eksperti, të paktën %(count)d shkronja."),
            code="too_few_letters",
            params={"count": EXPERT_REASON_MIN_LETTERS},
        )
    if not getattr(expert, "is_staff", False) or not expert.is_active or expert.pk == actor.pk:
        raise ValidationError(_("Ftoni një koleg tjetër të stafit."), code="not_staff")
    if staff_roles(expert) & NEVER_CASE_TEXT:
        raise ValidationError(
            _("Marketingu dhe shitjet nuk i shohin rastet e mbështetjes."), code="role"
        )
    if case_expert_active(case=locked, staff=expert):
        raise ValidationError(_("Ky koleg është tashmë në rast."), code="already")
    return CaseExpert.objects.create(
        case=locked, expert=expert, reason=stated[:200], invited_by=actor
    )


@transaction.atomic
def case_expert_leave(*, case: SupportCase, expert: Any, actor: Any) -> int:
    """An expert leaves the case (or its owner lets them go): their access ends now."""
    locked = SupportCase.objects.select_for_update().get(pk=case.pk)
    if actor.pk != expert.pk and locked.assigned_to_id != actor.pk:
        raise CaseRefused
    return CaseExpert.objects.filter(case=locked, expert=expert, left_at__isnull=True).update(
        left_at=timezone.now()
    )


def _expert_reason() -> str:
    # Stored once, in the shop's language, as every other reason on the record.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Ekspert i ftuar në rast")


def case_text_read(*, case: SupportCase, reader: Any, ip_address: str | None) -> list[CaseMessage]:
    """Return the thread to an invited expert, recorded on the access record; refuse others.

    The owner reads on the case's page in the back office, where the reveal is
    recorded as every other staff read is (staff.admin_base).
    """
    if _check_handles(case=case, staff=reader) != AuthorKind.EXPERT:
        raise CaseRefused
    access_record(
        actor=reader,
        actor_label=roles_label(staff_roles(reader)),
        subject_id=case.customer_id,
        action=AccessAction.REVEAL,
        fields=CASE_TEXT,
        basis=AccessBasis.SUPPORT_CASE,
        reference=case_reference(case),
        reason=_expert_reason(),
        ip_address=ip_address,
    )
    return list(case.messages.prefetch_related("attachments"))


def case_photo_read(
    *, case: SupportCase, photo: CaseAttachment, reader: Any, ip_address: str | None
) -> CaseAttachment:
    """Let the case's owner or an invited expert see one of its photos, recorded; refuse others.

    Marketing and sales are refused however they came to the case (P9).
    """
    kind = _check_handles(case=case, staff=reader)
    if photo.case_id != case.pk:
        raise CaseRefused
    access_record(
        actor=reader,
        actor_label=roles_label(staff_roles(reader)),
        subject_id=case.customer_id,
        action=AccessAction.REVEAL,
        fields=[qualified(CaseAttachment, "photo")],
        basis=AccessBasis.SUPPORT_CASE,
        reference=case_reference(case),
        reason=_expert_reason() if kind == AuthorKind.EXPERT else "",
        ip_address=ip_address,
    )
    return photo


def case_handled_by(*, case: SupportCase, staff: Any) -> AuthorKind | None:
    """Return how `staff` handles the case (owner or invited expert), or None."""
    try:
        return _check_handles(case=case, staff=staff)
    except CaseRefused:
        return None


def case_owner_read(
    *, case: SupportCase, reader: Any, fields: Sequence[str], ip_address: str | None
) -> None:
    """Record that the owner read these fields of a case no account holds yet.

    An account's case is revealed and recorded through staff.access like any customer's
    data; a visitor's has no customer for that decision to be about, so its page asks
    here: only the owner of the open case, and marketing and sales never (P9).
    """
    if _check_handles(case=case, staff=reader) != AuthorKind.STAFF or case.customer_id:
        raise CaseRefused
    if not fields:
        return
    access_record(
        actor=reader,
        actor_label=roles_label(staff_roles(reader)),
        subject_id=None,
        action=AccessAction.REVEAL,
        fields=fields,
        basis=AccessBasis.SUPPORT_CASE,
        reference=case_reference(case),
        ip_address=ip_address,
    )
