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
    """Open or update a support case; what the customer said is recorded as a change."""
    now = timezone.now()
    staff = actor if getattr(actor, "is_staff", False) else None
    if case.pk is None:
        case.opened_by = staff
    if case.opened_at is None:
        case.opened_at = now
    if case.pk is None or "assigned_to" in changed:
        case.assigned_by = staff if case.assigned_to_id is not None else None
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
