"""The one rule for what a contractor's person sees of a job (P10, P5).

A person sees a job's fields only when all of these hold: their company has an
agreement in force today; the job is their company's; they hold the job's function;
the job is open, or closed less than CONTRACTOR_GRACE_HOURS ago; and only the fields
on the function's allow-list (FunctionFieldAllowance ∩ the registry). Every read and
every refusal is on the access record, labelled by company and function, never by the
person's name. The portal and the JSON API (contractor_api) call these functions: the
actor is one of the company's people or one of its API keys (`ContractorActor`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
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
from privacy.audit import Access, access_record, access_record_many
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


# The rows a job reaches, by model label, and how: its order (a repair case's: the order
# the case is about), the order's lines (a repair's: the appliance alone), the customer,
# and a repair's case. Nothing else (no other orders, no history) can be put on a list.
JOB_REACHES: dict[str, Callable[[Job], list[models.Model]]] = {
    "orders.Order": lambda job: [order] if (order := job.served_order) is not None else [],
    "orders.OrderLine": lambda job: list(job.lines),
    "accounts.User": lambda job: [job.customer],
    "support.SupportCase": lambda job: [job.case] if job.case is not None else [],
}


@dataclass(frozen=True)
class ChoosableField:
    name: str  # app.Model.field
    label: str
    personal: bool


def _choosable() -> Iterator[tuple[type[models.Model], str, bool]]:
    """Yield (model, field, personal) for each field a list may name, in registry order.

    Declared fields (personal, or declared not personal) of the rows a job reaches;
    never an email address and never a blind index.
    """
    for declaration in registry:
        if declaration.label not in JOB_REACHES:
            continue
        for name, entry in declaration.fields.items():
            if not entry.index_of and entry.mask != Mask.EMAIL:
                yield declaration.model, name, True
        for name in declaration.not_personal:
            yield declaration.model, name, False


def choosable_fields() -> list[ChoosableField]:
    """Return the registry's fields a function's allow-list may name, in registry order."""
    return [
        ChoosableField(qualified(model, name), _field_label(model, name), personal)
        for model, name, personal in _choosable()
    ]


def field_choosable(name: str) -> bool:
    return any(choice.name == name for choice in choosable_fields())


def _field_label(model: type[models.Model], name: str) -> str:
    try:
        return str(getattr(model._meta.get_field(name), "verbose_name", name))
    except FieldDoesNotExist:
        return name


def allowed_fields(function: ContractorFunction) -> list[str]:
    """Return the fields this function sees: its allow-list, as far as the registry allows."""
    return _allowed_by_function([function.pk])[function.pk]


def _allowed_by_function(function_ids: Iterable[int]) -> dict[int, list[str]]:
    """Return each function's allowed fields, in registry order: one query for all of them."""
    listed: dict[int, set[str]] = {pk: set() for pk in function_ids}
    rows = FunctionFieldAllowance.objects.filter(function_id__in=listed)
    for function_id, field in rows.values_list("function_id", "field"):
        listed[function_id].add(field)
    # Names only: the labels are for the DPO's form, and cost on every page of jobs.
    order = [qualified(model, name) for model, name, _personal in _choosable()]
    return {pk: [name for name in order if name in names] for pk, names in listed.items()}


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


# How long a label the access record keeps (AccessEntry.actor_label).
LABEL_LENGTH = 80


@dataclass(frozen=True)
class ContractorActor:
    """Who reads for a company under this rule: one of its people, or one of its API keys.

    The record names a person's read by their account and a key's by its label (its
    public prefix); both by company and function, never by a person's name.
    """

    company_id: int
    company_name: str
    function_ids: frozenset[int]
    active: bool = True
    # The person's account; None for a key.
    user: Any = None
    # How the record names a key ("API 1a2b3c4d5e6f"); empty for a person.
    token_label: str = ""

    @classmethod
    def of_person(cls, person: ContractorPerson, *, user: Any = None) -> ContractorActor:
        return cls(
            company_id=person.company_id,
            company_name=person.company.name,
            function_ids=frozenset(person.functions.values_list("pk", flat=True)),
            active=person.active,
            user=user if user is not None else person.user,
        )

    def label(self, function: ContractorFunction | None = None) -> str:
        """Return how the record names this actor's read: company, function, key; no person."""
        suffix = f", {self.token_label}" if self.token_label else ""
        named = self.company_name
        if function is not None:
            named = f"{named}, {function.name_sq}"
        return named[: LABEL_LENGTH - len(suffix)] + suffix


Who = ContractorActor | ContractorPerson


def contractor_actor_of(who: Any) -> ContractorActor:
    """Return the actor of an API key (as given), of a person, or of a person's account.

    Anyone else is refused (NotAContractor).
    """
    if isinstance(who, ContractorActor):
        return who
    if isinstance(who, ContractorPerson):
        return ContractorActor.of_person(who)
    return ContractorActor.of_person(contractor_person_of(who), user=who)


def agreement_valid(person: Who, *, now: datetime | None = None) -> bool:
    day = timezone.localdate(now or timezone.now())
    return Agreement.objects.filter(company_id=person.company_id).valid_on(day).exists()


def _readable_jobs(actor: ContractorActor, now: datetime) -> QuerySet[Job]:
    """Return the company's jobs of the actor's functions, open or within the grace period."""
    return Job.objects.readable_at(now).filter(
        company_id=actor.company_id, function_id__in=actor.function_ids
    )


def jobs_visible_to(person: Who, *, now: datetime | None = None) -> QuerySet[Job]:
    """Return the jobs this person (or key) may see now: the list every page and endpoint uses."""
    now = now or timezone.now()
    actor = contractor_actor_of(person)
    if not actor.active or not agreement_valid(actor, now=now):
        return Job.objects.none()
    return _readable_jobs(actor, now).select_related("function", "order", "case")


def check_job_access(*, person: Who, job: Job | None, now: datetime | None = None) -> None:
    """Raise the refusal that applies to this person (or key) and job; in the rule's order."""
    now = now or timezone.now()
    actor = contractor_actor_of(person)
    if not actor.active:
        raise NotAContractor
    if not agreement_valid(actor, now=now):
        raise AgreementNotValid
    if job is None or job.company_id != actor.company_id:
        raise JobNotTheirs
    if job.function_id not in actor.function_ids:
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


def actor_label_of(*, person: Who, function: ContractorFunction) -> str:
    """Return how the record names a contractor read: company and function (and key), no person."""
    return contractor_actor_of(person).label(function)


def _refusal_record(
    *,
    person: ContractorActor | None,
    user: Any,
    job: Job | None,
    fields: Iterable[str],
    refusal: ContractorAccessRefused,
    ip_address: str | None,
) -> AccessEntry:
    function = job.function if job is not None else None
    label = person.label(function) if person is not None else ActorKind.CONTRACTOR.value
    return access_record(
        actor=person.user if person is not None else user,
        actor_kind=ActorKind.CONTRACTOR,
        actor_label=label,
        subject_id=job.customer_id if job is not None else None,
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

    `user` is the portal's signed-in account, or the API key's `ContractorActor`.
    `fields` narrows the read to named fields (app.Model.field): asking for one outside
    the function's list refuses the whole read. A refusal shows nothing.
    """
    job = _for_reading(Job.objects.filter(pk=job_id)).first()
    try:
        person = contractor_actor_of(user)
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
    view = _job_view(job, wanted, _labels(wanted))
    with transaction.atomic():
        access_record(
            actor=person.user,
            actor_kind=ActorKind.CONTRACTOR,
            actor_label=person.label(job.function),
            subject_id=job.customer_id,
            action=AccessAction.REVEAL,
            fields=wanted,
            basis=AccessBasis.CONTRACTOR_JOB,
            reference=job.reference,
            ip_address=ip_address,
        )
    return view


def _for_reading(jobs: QuerySet[Job]) -> QuerySet[Job]:
    """Load with the jobs every row JOB_REACHES names: a fixed number of queries for a page."""
    return jobs.select_related(
        "function", "order", "company", "case__order", "appliance", "customer"
    ).prefetch_related("order__lines")


def _labels(names: Iterable[str]) -> dict[str, str]:
    labels = {}
    for name in set(names):
        label, _dot, field_name = name.rpartition(".")
        labels[name] = _field_label(apps.get_model(label), field_name)
    return labels


def _job_view(job: Job, wanted: Sequence[str], labels: dict[str, str]) -> JobView:
    shown = []
    for name in wanted:
        label, _dot, field_name = name.rpartition(".")
        values = tuple(_display(row, field_name) for row in JOB_REACHES[label](job))
        shown.append(ShownField(name, labels[name], values))
    return JobView(job=job, fields=tuple(shown))


def jobs_fields_read(
    *,
    actor: ContractorActor,
    job_ids: Sequence[int],
    ip_address: str | None = None,
    now: datetime | None = None,
) -> list[JobView]:
    """Return what this actor may see of each of these jobs, in their order; each read recorded.

    The API's list: only the jobs the rule lets the actor see are read (others are left
    out), each with its function's whole list. A fixed number of queries however many
    jobs, and one entry per job (each is about its own customer), appended together.
    Without an agreement in force the read is refused, and recorded, as for one job.
    """
    now = now or timezone.now()
    try:
        if not actor.active:
            raise NotAContractor
        if not agreement_valid(actor, now=now):
            raise AgreementNotValid
    except ContractorAccessRefused as refused:
        _refusal_record(
            person=actor, user=None, job=None, fields=(), refusal=refused, ip_address=ip_address
        )
        raise
    if not job_ids:
        return []
    found = {job.pk: job for job in _for_reading(_readable_jobs(actor, now).filter(pk__in=job_ids))}
    jobs = [found[pk] for pk in job_ids if pk in found]
    lists = _allowed_by_function({job.function_id for job in jobs})
    labels = _labels(name for names in lists.values() for name in names)
    views = [_job_view(job, lists[job.function_id], labels) for job in jobs]
    access_record_many(
        Access(
            actor=actor.user,
            actor_kind=ActorKind.CONTRACTOR,
            actor_label=actor.label(job.function),
            subject_id=job.customer_id,
            action=AccessAction.REVEAL,
            fields=lists[job.function_id],
            basis=AccessBasis.CONTRACTOR_JOB,
            reference=job.reference,
            ip_address=ip_address,
        )
        for job in jobs
    )
    return views
