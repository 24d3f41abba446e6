"""Contractor writes: assigning a job, closing it, and the DPO's allow-lists (P10)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from contractors.access import (
    JobNotOpen,
    actor_label_of,
    allowed_fields,
    check_job_access,
    contractor_person_of,
    field_choosable,
)
from contractors.models import (
    Agreement,
    ContractorCompany,
    ContractorFunction,
    FunctionFieldAllowance,
    Job,
    JobStatus,
)
from core.text import letter_count, visible_text
from mail.models import MailKind
from mail.services import mail_enqueue
from orders.models import IN_FLIGHT_STATUSES, Order
from privacy.audit import access_record, actor_label
from privacy.models import AccessAction, AccessBasis, ActorKind
from privacy.roles import Role

FAILURE_REASON_MIN_LETTERS = 5


class ContractorError(Exception):
    """A contractor change that cannot be made; the message is for the person who tried."""


def job_assign_check(*, order: Order, window_start: datetime, window_end: datetime) -> None:
    """Refuse an assignment that cannot be made, before anything is written."""
    if window_end < window_start:
        raise ContractorError(_("Fundi i dritares duhet të jetë pas fillimit."))
    if order.status not in IN_FLIGHT_STATUSES:
        raise ContractorError(
            _("Porosia %(number)s nuk është më në rrugë: nuk i jepet një kontraktori.")
            % {"number": order.number}
        )


@transaction.atomic
def job_assign(
    *,
    order: Order,
    company: ContractorCompany,
    function: ContractorFunction,
    window_start: datetime,
    window_end: datetime,
    actor: Any,
) -> Job:
    """Give an order to a company for one function in a window, and record the sharing.

    The customer's access page shows which company was given which fields (P10).
    """
    job_assign_check(order=order, window_start=window_start, window_end=window_end)
    job = Job.objects.create(
        company=company,
        function=function,
        order=order,
        window_start=window_start,
        window_end=window_end,
        assigned_by=actor,
    )
    access_record(
        actor=actor,
        actor_label=actor_label(actor),
        subject_id=order.customer_id,
        action=AccessAction.SHARED,
        fields=allowed_fields(function),
        basis=AccessBasis.CONTRACTOR_JOB,
        reference=job.reference,
        reason=f"{company.name}, {function.name_sq}",
    )
    return job


@transaction.atomic
def job_close(
    *, job_id: int, done: bool, failure_reason: str = "", actor: Any, now: datetime | None = None
) -> Job:
    """Mark a job done or not done (with the reason), as one of its company's people.

    Only an open job the person may see is closed; a failure needs a reason in words.
    """
    now = now or timezone.now()
    person = contractor_person_of(actor)
    job = Job.objects.select_for_update().select_related("function", "order").filter(pk=job_id)
    found = job.first()
    check_job_access(person=person, job=found, now=now)
    assert found is not None
    if found.status != JobStatus.OPEN:
        raise JobNotOpen
    reason = visible_text(failure_reason)
    if not done and letter_count(reason) < FAILURE_REASON_MIN_LETTERS:
        raise ContractorError(_("Shkruani me fjalë pse nuk u krye."))
    found.status = JobStatus.DONE if done else JobStatus.FAILED
    found.failure_reason = "" if done else reason
    found.closed_at = now
    found.closed_by = actor
    found.save(update_fields=["status", "failure_reason", "closed_at", "closed_by"])
    if not done:
        access_record(
            actor=actor,
            actor_kind=ActorKind.CONTRACTOR,
            actor_label=actor_label_of(person=person, function=found.function),
            subject_id=found.order.customer_id,
            action=AccessAction.CHANGE,
            fields=["contractors.Job.failure_reason"],
            basis=AccessBasis.CONTRACTOR_JOB,
            reference=found.reference,
        )
    return found


@transaction.atomic
def allowance_add(
    *, function: ContractorFunction, field: str, actor: Any
) -> FunctionFieldAllowance:
    """Put a registry field on a function's allow-list; a field outside the registry is refused."""
    if not field_choosable(field):
        raise ContractorError(
            _("„%(field)s” nuk është një fushë e regjistrit që një punë mund ta shohë.")
            % {"field": field}
        )
    allowance, _created = FunctionFieldAllowance.objects.get_or_create(
        function=function, field=field
    )
    return allowance


def _officers() -> list[tuple[str, str, User | None]]:
    officers = User.objects.filter(
        is_active=True, is_staff=True, groups__name=Role.DATA_PROTECTION_OFFICER.value
    ).distinct()
    return [(officer.email, officer.language, officer) for officer in officers] or [
        (settings.FEJZO_DPO_FALLBACK_EMAIL, "sq", None)
    ]


def agreements_ending_remind(*, today: date) -> int:
    """Mail the DPO about each agreement ending within the reminder period; once per agreement.

    A company with a newer agreement that already follows on is not an ending. Running
    twice sends nothing twice: the reminder day is written in the same transaction.
    """
    horizon = today + timedelta(days=settings.CONTRACTOR_AGREEMENT_REMINDER_DAYS)
    ending = Agreement.objects.select_related("company").filter(
        ends_on__gte=today, ends_on__lte=horizon, reminded_on__isnull=True
    )
    reminded = 0
    for agreement in ending:
        follows = Agreement.objects.filter(
            company_id=agreement.company_id,
            signed_on__lte=agreement.ends_on + timedelta(days=1),
            ends_on__gt=agreement.ends_on,
        ).exists()
        if follows:
            continue
        with transaction.atomic():
            claimed = Agreement.objects.filter(pk=agreement.pk, reminded_on__isnull=True).update(
                reminded_on=today
            )
            if not claimed:
                continue
            for to_address, language, recipient in _officers():
                mail_enqueue(
                    kind=MailKind.AGREEMENT_ENDING,
                    to_address=to_address,
                    language=language,
                    recipient=recipient,
                    context={
                        "company": agreement.company.name,
                        "ends_on": agreement.ends_on,
                        "days": (agreement.ends_on - today).days,
                    },
                )
        reminded += 1
    return reminded
