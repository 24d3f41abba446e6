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
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Prefetch, Q, QuerySet, Window
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.models import (
    Agreement,
    ContractorFunction,
    ContractorPerson,
    FunctionFieldAllowance,
    Job,
)
from core.clauses import enforces
from privacy.audit import Access, access_record, access_record_many
from privacy.fields import EncryptedModel
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


@dataclass(frozen=True)
class Reach:
    """How a job reaches one model's rows: the relations loaded with it, and the rows."""

    relations: tuple[str, ...]
    rows: Callable[[Job], list[models.Model]]


# The rows a job reaches, by model label, and how: its order (a repair case's: the order
# the case is about), the order's lines (a repair's: the appliance alone), the customer,
# and a repair's case. Nothing else (no other orders, no history) can be put on a list.
JOB_REACHES: dict[str, Reach] = {
    "orders.Order": Reach(
        ("order", "case__order"),
        lambda job: [order] if (order := job.served_order) is not None else [],
    ),
    # An order's lines are many rows: prefetched apart (_for_reading).
    "orders.OrderLine": Reach(("appliance",), lambda job: list(job.lines)),
    "accounts.User": Reach(("customer",), lambda job: [job.customer]),
    "support.SupportCase": Reach(("case",), lambda job: [job.case] if job.case is not None else []),
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


@enforces("P10", "a contractor sees only its assigned, open jobs under a valid agreement")
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
    assert isinstance(field, models.Field)  # the registry declares concrete fields only
    value = getattr(row, name)  # encrypted fields open here, through the field itself
    if field.choices:
        return str(_choice_labels(field).get(value, value))
    return "" if value is None else str(value)


@cache
def _choice_labels(field: models.Field[Any, Any]) -> dict[Any, Any]:
    # Model.get_FOO_display() rebuilds this dict on every call: a municipality's is 61 long.
    return dict(field.flatchoices)


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
    job = _for_reading(Job.objects.filter(pk=job_id), fields=None).first()
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


# What a job's header shows, whatever its function's list: its reference (the order's
# number), function, window and status.
JOB_HEADER = (
    "company_id",
    "function_id",
    "order_id",
    "case_id",
    "appliance_id",
    "customer_id",
    "window_start",
    "window_end",
    "status",
    "closed_at",
    "function__slug",
    "function__name_sq",
    "function__name_en",
    "order__id",
    "order__number",
)


def _for_reading(jobs: QuerySet[Job], *, fields: Iterable[str] | None) -> QuerySet[Job]:
    """Load with the jobs the rows JOB_REACHES names: a fixed number of queries for a page.

    With `fields` (app.Model.field), only those columns of the rows they name are read
    (and the seal ids that open them), so a page of jobs opens no other ciphertext. The
    rows of one per job (its order, its customer) are joined; a repair's case, the
    case's order and the lines are fetched apart, and cost no query when no job of the
    page has them: a join of every path costs PostgreSQL more to plan than to run.
    """
    if fields is None:
        everything = {path for reach in JOB_REACHES.values() for path in reach.relations}
        return jobs.select_related("function", "order", *everything).prefetch_related(
            "order__lines"
        )
    columns: dict[str, set[str]] = {"": set(JOB_HEADER)}
    models_of = {"order__lines": "orders.OrderLine", "case": "support.SupportCase"}
    for name in fields:
        label, _dot, field_name = name.rpartition(".")
        model = apps.get_model(label)
        sealed = issubclass(model, EncryptedModel)
        wanted = {"id", field_name, *(["seal_id"] if sealed else [])}
        if label == "orders.OrderLine":
            columns.setdefault("order__lines", {"order_id"}).update(wanted)
        for relation in JOB_REACHES[label].relations:
            columns.setdefault(relation, set()).update(wanted)
            models_of[relation] = label
    joined = [relation for relation in ("order", "customer") if relation in columns]
    jobs = jobs.select_related("function", *joined).only(
        *columns[""], *(f"{relation}__{name}" for relation in joined for name in columns[relation])
    )
    if "case__order" in columns:
        columns.setdefault("case", set()).update(("id", "order_id"))
    for relation in ("case", "case__order", "appliance", "order__lines"):
        if relation in columns:
            model = apps.get_model(models_of[relation])
            rows = model._default_manager.only(*columns[relation])
            jobs = jobs.prefetch_related(Prefetch(relation, queryset=rows))
    return jobs


def _labels(names: Iterable[str]) -> dict[str, str]:
    labels = {}
    for name in set(names):
        label, _dot, field_name = name.rpartition(".")
        labels[name] = _field_label(apps.get_model(label), field_name)
    return labels


def _job_view(job: Job, wanted: Sequence[str], labels: dict[str, str]) -> JobView:
    rows: dict[str, list[models.Model]] = {}
    shown = []
    for name in wanted:
        label, _dot, field_name = name.rpartition(".")
        if label not in rows:
            rows[label] = JOB_REACHES[label].rows(job)
        values = tuple(_display(row, field_name) for row in rows[label])
        shown.append(ShownField(name, labels[name], values))
    return JobView(job=job, fields=tuple(shown))


def jobs_fields_read(
    *,
    actor: ContractorActor,
    narrowed: Q,
    offset: int,
    limit: int,
    ip_address: str | None = None,
    now: datetime | None = None,
) -> tuple[int, list[JobView]]:
    """Return how many of the jobs this actor may see match `narrowed`, and what it may see
    of `limit` of them from `offset`, in window order; each read recorded.

    The API's list: only the jobs the rule lets the actor see are read, each with its
    function's whole list. A fixed number of queries however many jobs, and one entry
    per job (each is about its own customer), appended together. Without an agreement
    in force the read is refused, and recorded, as for one job.
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
    lists = _allowed_by_function(actor.function_ids)
    listed = _readable_jobs(actor, now).filter(narrowed).order_by("window_start", "pk")
    page = _for_reading(listed, fields={name for names in lists.values() for name in names})
    # The page and how many match, in one query; a page past the end counts apart.
    jobs = list(page.annotate(matching=Window(Count("pk")))[offset : offset + limit])
    count = jobs[0].matching if jobs else listed.count() if offset else 0  # type: ignore[attr-defined]
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
    return count, views
