from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis
from privacy.registry import qualified, registry
from support.models import CaseStatus, SupportCase


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
    if case.opened_at is None:
        case.opened_at = now
    if case.status == CaseStatus.CLOSED and case.closed_at is None:
        case.closed_at = now
    elif case.status == CaseStatus.OPEN:
        case.closed_at = None
    case.save()
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
