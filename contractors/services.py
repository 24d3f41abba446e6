"""Contractor writes: assigning a job, closing it, corrections reaching it, the DPO's lists (P10).

A job is for an order or for a repair case. A delivery marked done moves its order on
through orders' own service; a correction the customer makes reaches the order a
courier reads while the job is open.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.signals import Place, Recipient
from contractors.access import (
    JobNotOpen,
    actor_label_of,
    allowed_fields,
    check_job_access,
    contractor_actor_of,
    field_choosable,
)
from contractors.defaults import DELIVERY_SLUG
from contractors.models import (
    ONE_OF_ORDER_OR_CASE,
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
from orders.models import IN_FLIGHT_STATUSES, Order, OrderLine, OrderStatus
from orders.services import OrderError, order_change_status, orders_en_route_correct
from privacy.audit import access_record, actor_label
from privacy.models import AccessAction, AccessBasis, ActorKind
from privacy.roles import Role
from support.models import CaseStatus, SupportCase

FAILURE_REASON_MIN_LETTERS = 5

# The functions whose job done means the goods reached the customer: the order follows.
# Installation and repair have no status of the order's to move; their jobs record it.
DELIVERING_FUNCTIONS = frozenset({DELIVERY_SLUG})
# What a delivery done moves its order through, from where the order stands: the courier
# had the goods (out for delivery), then handed them over. An order sales have not
# confirmed stays as it is (confirming is theirs: payment, stock); care see it waiting.
DELIVERED_PATH: dict[str, tuple[OrderStatus, ...]] = {
    OrderStatus.CONFIRMED: (OrderStatus.OUT_FOR_DELIVERY, OrderStatus.DELIVERED),
    OrderStatus.OUT_FOR_DELIVERY: (OrderStatus.DELIVERED,),
}


class ContractorError(Exception):
    """A contractor change that cannot be made; the message is for the person who tried."""


def _repair_appliance(case: SupportCase, appliance: OrderLine | None) -> OrderLine:
    """Return the appliance a repair case's job is for: the one named, or the order's only one."""
    order = case.order
    if order is None:
        raise ContractorError(
            _(
                "Rasti #%(case)s nuk lidhet me një porosi: lidheni me porosinë e pajisjes, "
                "që tekniku të dijë çfarë dhe ku të riparojë."
            )
            % {"case": case.pk}
        )
    if appliance is not None:
        if appliance.order_id != order.pk:
            raise ContractorError(
                _("Pajisja nuk është në porosinë %(number)s të rastit.") % {"number": order.number}
            )
        return appliance
    lines = list(order.lines.order_by("pk")[:2])
    if len(lines) != 1:
        raise ContractorError(
            _("Zgjidhni cilën pajisje të porosisë %(number)s riparon tekniku.")
            % {"number": order.number}
        )
    return lines[0]


def job_assign_check(
    *,
    order: Order | None = None,
    case: SupportCase | None = None,
    appliance: OrderLine | None = None,
    window_start: datetime,
    window_end: datetime,
) -> OrderLine | None:
    """Refuse an assignment that cannot be made, before anything is written.

    Return the appliance a repair case's job will name (None for an order's job).
    """
    if (order is None) == (case is None):
        raise ContractorError(str(ONE_OF_ORDER_OR_CASE))
    if window_end < window_start:
        raise ContractorError(_("Fundi i dritares duhet të jetë pas fillimit."))
    if order is not None:
        if appliance is not None:
            raise ContractorError(_("Pajisja zgjidhet vetëm për një rast riparimi."))
        if order.status not in IN_FLIGHT_STATUSES:
            raise ContractorError(
                _("Porosia %(number)s nuk është më në rrugë: nuk i jepet një kontraktori.")
                % {"number": order.number}
            )
        return None
    assert case is not None
    if case.status != CaseStatus.OPEN:
        raise ContractorError(
            _("Rasti #%(case)s është mbyllur: nuk i jepet një kontraktori.") % {"case": case.pk}
        )
    if case.customer_id is None:
        raise ContractorError(
            _(
                "Rasti #%(case)s nuk i përket ende një llogarie klienti: nuk i jepet një "
                "kontraktori."
            )
            % {"case": case.pk}
        )
    return _repair_appliance(case, appliance)


@transaction.atomic
def job_assign(
    *,
    order: Order | None = None,
    case: SupportCase | None = None,
    appliance: OrderLine | None = None,
    company: ContractorCompany,
    function: ContractorFunction,
    window_start: datetime,
    window_end: datetime,
    actor: Any,
) -> Job:
    """Give an order, or a repair case, to a company for one function in a window, and
    record the sharing.

    A repair case's job names the appliance (a line of the order the case is about; the
    order's only line when none is named). The customer's access page shows which
    company was given which fields (P10).
    """
    appliance = job_assign_check(
        order=order,
        case=case,
        appliance=appliance,
        window_start=window_start,
        window_end=window_end,
    )
    served = order or case
    customer_id = served.customer_id if served is not None else None
    assert customer_id is not None  # the check refused neither, and a case of no account
    job = Job.objects.create(
        company=company,
        function=function,
        order=order,
        case=case,
        appliance=appliance,
        customer_id=customer_id,
        window_start=window_start,
        window_end=window_end,
        assigned_by=actor,
    )
    access_record(
        actor=actor,
        actor_label=actor_label(actor),
        subject_id=customer_id,
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

    Only an open job the person may see is closed; a failure needs a reason in words,
    kept on the job for care (their landing page lists it). A delivery done moves its
    order to delivered through orders' service, recorded under the company's name.
    """
    now = now or timezone.now()
    # One of the company's people (their account), or an API key's ContractorActor.
    person = contractor_actor_of(actor)
    job = Job.objects.select_for_update(of=("self",)).select_related("function", "order")
    found = job.filter(pk=job_id).first()
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
    found.closed_by = person.user
    found.save(update_fields=["status", "failure_reason", "closed_at", "closed_by"])
    label = actor_label_of(person=person, function=found.function)
    if done and found.function.slug in DELIVERING_FUNCTIONS and found.order is not None:
        _order_delivered(found.order, actor=person.user, recorded_as=label)
    if not done:
        access_record(
            actor=person.user,
            actor_kind=ActorKind.CONTRACTOR,
            actor_label=label,
            subject_id=found.customer_id,
            action=AccessAction.CHANGE,
            fields=["contractors.Job.failure_reason"],
            basis=AccessBasis.CONTRACTOR_JOB,
            reference=found.reference,
        )
    return found


def _order_delivered(order: Order, *, actor: Any, recorded_as: str) -> None:
    """Move the order to delivered, through each status orders' rules pass on the way."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    for status in DELIVERED_PATH.get(locked.status, ()):
        try:
            order_change_status(
                order=locked, to_status=status, actor=actor, recorded_as=recorded_as
            )
        except OrderError:
            # Cancelled while the courier was at the door: care see the delivery that
            # the order did not follow; the courier's record stands.
            return


def job_orders_correct(
    *, customer: User, old: Recipient | Place, new: Recipient | Place, actor: User | None
) -> int:
    """Carry a customer's correction to their orders out for delivery that a courier's open
    job reads, so the courier's next look shows it (P10, P12); return how many changed.

    Orders not yet shipped take every correction through orders' own receiver; an order
    with the courier takes only what the courier needs (phone, address, notes), and only
    while a job of it is open: a courier with no open job reads nothing any more.
    """
    order_ids: Iterable[int] = Job.objects.filter(
        customer=customer, status=JobStatus.OPEN, order__status=OrderStatus.OUT_FOR_DELIVERY
    ).values_list("order_id", flat=True)
    return orders_en_route_correct(
        customer=customer, order_ids=order_ids, old=old, new=new, actor=actor
    )


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
