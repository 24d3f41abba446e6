"""The one rule for what a contractor's person sees of a job (P10, P5).

A person sees a job's fields only when all of these hold: their company has an
agreement in force today; the job is their company's; they hold the job's function;
the job is open, or closed less than CONTRACTOR_GRACE_HOURS ago; and only the fields
on the function's allow-list (FunctionFieldAllowance ∩ the registry). Every read and
every refusal is on the access record, labelled by company and function, never by the
person's name. The portal calls these functions; the API will call the same ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.models import (
    Agreement,
    ContractorFunction,
    ContractorPerson,
    FunctionFieldAllowance,
    Job,
)
from privacy.audit import access_record
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind
from privacy.registry import Mask, qualified, registry


class RefusalCode(models.TextChoices):
    NOT_A_CONTRACTOR = "not_a_contractor", _("Nuk jeni person i një kontraktori aktiv.")
    NO_AGREEMENT = "no_agreement", _("Kompania juaj nuk ka marrëveshje konfidencialiteti në fuqi.")
    NOT_YOUR_JOB = "not_your_job", _("Kjo punë nuk është e kompanisë suaj.")
    FUNCTION_NOT_HELD = "function_not_held", _("Nuk e keni funksionin e kësaj pune.")
    JOB_CLOSED = "job_closed", _("Puna është mbyllur dhe afati për ta parë ka kaluar.")
    FIELD_NOT_ALLOWED = "field_not_allowed", _("Këtë të dhënë funksioni juaj nuk e sheh.")
    JOB_NOT_OPEN = "job_not_open", _("Puna është mbyllur tashmë.")


class ContractorAccessRefused(PermissionDenied):
    """A contractor's person may not see (or act on) this; the message is for them."""

    code = RefusalCode.NOT_A_CONTRACTOR

    def __init__(self) -> None:
        super().__init__(str(self.code.label))


class NotAContractor(ContractorAccessRefused):
    code = RefusalCode.NOT_A_CONTRACTOR


class AgreementNotValid(ContractorAccessRefused):
    code = RefusalCode.NO_AGREEMENT


class JobNotTheirs(ContractorAccessRefused):
    code = RefusalCode.NOT_YOUR_JOB


class FunctionNotHeld(ContractorAccessRefused):
    code = RefusalCode.FUNCTION_NOT_HELD


class JobClosed(ContractorAccessRefused):
    code = RefusalCode.JOB_CLOSED


class FieldNotAllowed(ContractorAccessRefused):
    code = RefusalCode.FIELD_NOT_ALLOWED


class JobNotOpen(ContractorAccessRefused):
    code = RefusalCode.JOB_NOT_OPEN


# The rows a job reaches, by model label, and how: its order, the order's lines, and the
# order's customer. Nothing else (no other orders, no history) can be put on a list.
JOB_REACHES: dict[str, Callable[[Job], list[models.Model]]] = {
    "orders.Order": lambda job: [job.order],
    "orders.OrderLine": lambda job: list(job.order.lines.order_by("pk")),
    "accounts.User": lambda job: [job.order.customer],
}


@dataclass(frozen=True)
class ChoosableField:
    name: str  # app.Model.field
    label: str
    personal: bool


def choosable_fields() -> list[ChoosableField]:
    """Return the registry's fields a function's allow-list may name, in registry order.

    Declared fields (personal, or declared not personal) of the rows a job reaches;
    never an email address and never a blind index.
    """
    choices = []
    for declaration in registry:
        if declaration.label not in JOB_REACHES:
            continue
        model = declaration.model
        for name, entry in declaration.fields.items():
            if entry.index_of or entry.mask == Mask.EMAIL:
                continue
            choices.append(ChoosableField(qualified(model, name), _field_label(model, name), True))
        for name in declaration.not_personal:
            choices.append(ChoosableField(qualified(model, name), _field_label(model, name), False))
    return choices


def field_choosable(name: str) -> bool:
    return any(choice.name == name for choice in choosable_fields())


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def allowed_fields(function: ContractorFunction) -> list[str]:
    """Return the fields this function sees: its allow-list, as far as the registry allows."""
    listed = set(
        FunctionFieldAllowance.objects.filter(function=function).values_list("field", flat=True)
    )
    return [choice.name for choice in choosable_fields() if choice.name in listed]


def contractor_person_of(user: Any) -> ContractorPerson:
    """Return the active contractor person behind this account, or refuse."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "is_staff", False):
        raise NotAContractor
    person = (
        ContractorPerson.objects.select_related("company")
        .filter(user=user, active=True, user__is_active=True)
        .first()
    )
    if person is None:
        raise NotAContractor
    return person


def agreement_valid(person: ContractorPerson, *, now: datetime | None = None) -> bool:
    day = timezone.localdate(now or timezone.now())
    return Agreement.objects.filter(company_id=person.company_id).valid_on(day).exists()


def jobs_visible_to(person: ContractorPerson, *, now: datetime | None = None) -> QuerySet[Job]:
    """Return the jobs this person may see now: the list every page and endpoint uses."""
    now = now or timezone.now()
    if not person.active or not agreement_valid(person, now=now):
        return Job.objects.none()
    return (
        Job.objects.readable_at(now)
        .filter(company_id=person.company_id, function__in=person.functions.all())
        .select_related("function", "order")
    )


def check_job_access(
    *, person: ContractorPerson, job: Job | None, now: datetime | None = None
) -> None:
    """Raise the refusal that applies to this person and job, if any; in the rule's order."""
    now = now or timezone.now()
    if not person.active:
        raise NotAContractor
    if not agreement_valid(person, now=now):
        raise AgreementNotValid
    if job is None or job.company_id != person.company_id:
        raise JobNotTheirs
    if not person.functions.filter(pk=job.function_id).exists():
        raise FunctionNotHeld
    if not Job.objects.readable_at(now).filter(pk=job.pk).exists():
        raise JobClosed


@dataclass(frozen=True)
class ShownField:
    name: str
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class JobView:
    """What a person was shown of one job: the fields of its function's list, and no more."""

    job: Job
    fields: tuple[ShownField, ...]

    def value(self, name: str) -> tuple[str, ...]:
        return next((shown.values for shown in self.fields if shown.name == name), ())


def _display(row: models.Model, name: str) -> str:
    field = row._meta.get_field(name)
    if getattr(field, "choices", None):
        return str(getattr(row, f"get_{name}_display")())
    value = getattr(row, name)  # encrypted fields open here, through the field itself
    return "" if value is None else str(value)


def actor_label_of(*, person: ContractorPerson, function: ContractorFunction) -> str:
    """Return how the record names a contractor read: company and function, no person."""
    return f"{person.company.name}, {function.name_sq}"[:80]


def _refusal_record(
    *,
    person: ContractorPerson | None,
    user: Any,
    job: Job | None,
    fields: Iterable[str],
    refusal: ContractorAccessRefused,
    ip_address: str | None,
) -> AccessEntry:
    function = job.function if job is not None else None
    company = person.company.name if person is not None else ""
    label = f"{company}, {function.name_sq}" if function is not None else company
    return access_record(
        actor=user,
        actor_kind=ActorKind.CONTRACTOR,
        actor_label=label[:80] or ActorKind.CONTRACTOR.value,
        subject_id=job.order.customer_id if job is not None else None,
        action=AccessAction.REFUSED,
        fields=fields,
        basis=AccessBasis.CONTRACTOR_JOB,
        reference=job.reference if job is not None else "",
        reason=refusal.code.value,
        ip_address=ip_address,
    )


def job_fields_read(
    *,
    user: Any,
    job_id: int,
    fields: Sequence[str] | None = None,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> JobView:
    """Return what this account may see of the job, recorded; refuse (recorded) otherwise.

    `fields` narrows the read to named fields (app.Model.field): asking for one outside
    the function's list refuses the whole read. A refusal shows nothing.
    """
    job = Job.objects.select_related("function", "order", "company").filter(pk=job_id).first()
    try:
        person = contractor_person_of(user)
    except NotAContractor as refused:
        _refusal_record(
            person=None,
            user=user,
            job=job,
            fields=fields or (),
            refusal=refused,
            ip_address=ip_address,
        )
        raise
    allowed = allowed_fields(job.function) if job is not None else []
    wanted = list(fields) if fields is not None else allowed
    try:
        check_job_access(person=person, job=job, now=now)
        if any(name not in allowed for name in wanted):
            raise FieldNotAllowed
    except ContractorAccessRefused as refused:
        _refusal_record(
            person=person,
            user=user,
            job=job,
            fields=wanted,
            refusal=refused,
            ip_address=ip_address,
        )
        raise
    assert job is not None  # check_job_access refused a missing job
    shown = []
    for name in wanted:
        label, _dot, field_name = name.rpartition(".")
        rows = JOB_REACHES[label](job)
        values = tuple(_display(row, field_name) for row in rows)
        shown.append(ShownField(name, _field_label(apps.get_model(label), field_name), values))
    with transaction.atomic():
        access_record(
            actor=user,
            actor_kind=ActorKind.CONTRACTOR,
            actor_label=actor_label_of(person=person, function=job.function),
            subject_id=job.order.customer_id,
            action=AccessAction.REVEAL,
            fields=wanted,
            basis=AccessBasis.CONTRACTOR_JOB,
            reference=job.reference,
            ip_address=ip_address,
        )
    return JobView(job=job, fields=tuple(shown))
