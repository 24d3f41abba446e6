from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.text import letter_count, visible_text
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis
from privacy.registry import qualified, registry
from privacy.roles import Role, roles_label, staff_roles
from support.models import (
    AuthorKind,
    CaseChannel,
    CaseExpert,
    CaseHandover,
    CaseMessage,
    CaseStatus,
    SupportCase,
)

# A message must say something: at least this many letters.
MESSAGE_MIN_LETTERS = 2
EXPERT_REASON_MIN_LETTERS = 10
# Roles that never reach what a customer told support, invited or not (P9).
NEVER_CASE_TEXT = frozenset({Role.MARKETING, Role.SALES})
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


def _message_clean(body: str) -> str:
    text = body.strip()
    if letter_count(text) < MESSAGE_MIN_LETTERS:
        raise ValidationError(_("Shkruani mesazhin."), code="empty")
    if len(text) > CaseMessage._meta.get_field("body").max_length:  # type: ignore[operator]
        raise ValidationError(_("Mesazhi është shumë i gjatë."), code="too_long")
    return text


def case_url(case: SupportCase, *, language: str) -> str:
    """Return the address of the case on the customer's account, in their language."""
    with translation.override(language):
        return f"{settings.SITE_URL}{reverse('support:case_detail', args=[case.pk])}"


@transaction.atomic
def case_open_by_customer(
    *, customer: Any, summary: str, body: str, order: Any | None, actor: Any
) -> SupportCase:
    """Open a case from the customer's account, optionally about one of their orders."""
    text = _message_clean(body)
    if order is not None and order.customer_id != customer.pk:
        raise CaseRefused
    case = SupportCase(
        customer=customer,
        order=order,
        channel=CaseChannel.WEBSITE,
        summary=visible_text(summary)[:200],
    )
    case_save(case=case, changed=["summary"], actor=actor)
    _message_add(case=case, body=text, kind=AuthorKind.CUSTOMER, actor=actor)
    return case


@transaction.atomic
def case_customer_reply(*, case: SupportCase, body: str, actor: Any) -> CaseMessage:
    """Add the customer's answer to their open case."""
    text = _message_clean(body)
    locked = SupportCase.objects.select_for_update().get(pk=case.pk)
    if locked.customer_id != getattr(actor, "pk", None):
        raise CaseRefused
    if locked.status != CaseStatus.OPEN:
        raise CaseClosed(
            _("Ky rast është mbyllur. Nëse keni nevojë, hapni një rast të ri."), code="closed"
        )
    return _message_add(case=locked, body=text, kind=AuthorKind.CUSTOMER, actor=actor)


def case_expert_active(*, case: SupportCase, staff: Any) -> bool:
    """Whether `staff` is an expert asked into this open case who has not left it."""
    return CaseExpert.objects.active().filter(case=case, expert_id=staff.pk).exists()


def _check_handles(*, case: SupportCase, staff: Any) -> AuthorKind:
    """Return how `staff` handles this case: its owner, or an invited expert; refuse others."""
    if not getattr(staff, "is_staff", False) or case.status != CaseStatus.OPEN:
        raise CaseRefused
    if case.assigned_to_id == staff.pk:
        return AuthorKind.STAFF
    if case_expert_active(case=case, staff=staff) and not staff_roles(staff) & NEVER_CASE_TEXT:
        return AuthorKind.EXPERT
    raise CaseRefused


@transaction.atomic
def case_reply(*, case: SupportCase, body: str, actor: Any) -> CaseMessage:
    """The shop answers: the owner or an invited expert writes, and the customer is mailed."""
    text = _message_clean(body)
    locked = SupportCase.objects.select_for_update().select_related("customer").get(pk=case.pk)
    kind = _check_handles(case=locked, staff=actor)
    message = _message_add(case=locked, body=text, kind=kind, actor=actor)
    customer = locked.customer
    language = getattr(customer, "language", "") or settings.LANGUAGE_CODE
    mail_enqueue(
        kind=MailKind.SUPPORT_REPLY,
        to_address=customer.email,
        language=language,
        recipient=customer,
        # The answer stays in the account: the mail says only that there is one.
        context={
            "first_name": customer.first_name,
            "case_number": str(locked),
            "case_url": case_url(locked, language=language),
        },
    )
    return message


def _message_add(*, case: SupportCase, body: str, kind: AuthorKind, actor: Any) -> CaseMessage:
    message = CaseMessage.objects.create(
        case=case, author_kind=kind, author=actor if getattr(actor, "pk", None) else None, body=body
    )
    access_record(
        actor=actor,
        subject_id=case.customer_id,
        action=AccessAction.CHANGE,
        fields=[qualified(CaseMessage, "body")],
        basis=AccessBasis.SELF_SERVICE if kind == AuthorKind.CUSTOMER else AccessBasis.SUPPORT_CASE,
        reference=f"#{case.pk}",
    )
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
        reference=f"#{case.pk}",
        reason=_expert_reason(),
        ip_address=ip_address,
    )
    return list(case.messages.all())
