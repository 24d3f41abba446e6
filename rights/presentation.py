"""How the access record reads to the customer it is about: one plain row per entry (P5).

Staff and jobs are named by what they are (a role, a job's purpose), never by an id; the
data by the human names the models give their fields; nothing of the values themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from contractors.models import JobReference
from orders.models import Order
from privacy.models import AccessAction, AccessBasis, AccessEntry, ActorKind, Job
from privacy.registry import qualified, registry
from privacy.roles import Role
from privacy.selectors import break_glass_reasons_for

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

# What happened, as the customer reads it.
WHAT_HAPPENED: dict[str, StrPromise] = {
    AccessAction.REVEAL: pgettext_lazy("access log", "Pa"),
    AccessAction.CHANGE: pgettext_lazy("access log", "Ndryshoi"),
    AccessAction.BREAK_GLASS: pgettext_lazy("access log", "Hapje e jashtëzakonshme"),
    AccessAction.OWN_PURPOSE: pgettext_lazy(
        "access log", "Hapje me një qëllim që punonjësi krijoi vetë"
    ),
    AccessAction.ACCOUNT_POWERS: pgettext_lazy("access log", "Ndryshoi rolet e llogarisë"),
    AccessAction.JOB_READ: pgettext_lazy("access log", "Lexim automatik"),
    AccessAction.EXPORT: pgettext_lazy("access log", "Eksport"),
    AccessAction.REFUSED: pgettext_lazy("access log", "Kërkoi, iu refuzua: nuk pa asgjë"),
    AccessAction.SHARED: pgettext_lazy("access log", "I dha qasje një kontraktori"),
    AccessAction.DISCLOSE: pgettext_lazy("access log", "Ua dha një autoriteti"),
}

# Set apart on the page: the data opened on a reason typed by the one who opened it,
# or someone's powers over the account changed.
FLAGGED_ACTIONS = frozenset(
    {AccessAction.BREAK_GLASS, AccessAction.OWN_PURPOSE, AccessAction.ACCOUNT_POWERS}
)

# Why, for the bases that carry no order or case number to show.
PURPOSES: dict[str, StrPromise] = {
    AccessBasis.BREAK_GLASS: gettext_lazy("Qasje e jashtëzakonshme, pa porosi ose rast"),
    AccessBasis.SELF_SERVICE: gettext_lazy("Llogaria juaj"),
    AccessBasis.BACKGROUND_JOB: gettext_lazy("Punë automatike e shërbimit"),
    AccessBasis.EXPORT: gettext_lazy("Eksporti i të dhënave tuaja"),
    AccessBasis.MAINTENANCE: gettext_lazy("Mirëmbajtja e sigurisë"),
    AccessBasis.DATA_REQUEST: gettext_lazy("Kërkesa juaj për të dhënat tuaja"),
    AccessBasis.ACCOUNT_ADMINISTRATION: gettext_lazy("Administrimi i llogarisë suaj"),
    AccessBasis.LEGAL_REQUEST: gettext_lazy("Një kërkesë ligjore që zyrtari ynë miratoi"),
}

AUTOMATED = pgettext_lazy("access log", "Proces automatik")
STAFF = gettext_lazy("Stafi i 3VFejzo")
YOURSELF = gettext_lazy("Ju vetë")
ANOTHER_ACCOUNT = gettext_lazy("Një llogari tjetër")
OTHER_DATA = gettext_lazy("Të dhëna të tjera")
OTHER = gettext_lazy("Tjetër")


@dataclass(frozen=True)
class AccessRow:
    """One entry of the access record, worded for the customer it is about."""

    at: datetime
    who: str
    # Empty unless the setting names staff and the account still exists.
    staff_name: str
    # The customer's own change: listed, but set apart from what others did.
    by_customer: bool
    what: str
    purpose: str
    purpose_url: str
    break_glass: bool
    reason: str
    data: str


def registry_positions() -> dict[str, int]:
    """Return each declared field's place in the registry: apps, then fields, as declared."""
    positions: dict[str, int] = {}
    for declaration in registry:
        for name in declaration.fields:
            positions.setdefault(qualified(declaration.model, name), len(positions))
    return positions


def field_label(name: str) -> str:
    """Return the human name of an `app.Model.field` name, in the active language.

    A blind index goes by the name of the field it indexes. Entries outlive the code:
    a field that no longer exists is "other data", not an error.
    """
    label, _dot, field_name = name.rpartition(".")
    try:
        model = apps.get_model(label)
        field = model._meta.get_field(field_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return str(OTHER_DATA)
    declared = registry.fields_of(model).get(field_name)
    if declared is not None and declared.index_of:
        return field_label(qualified(model, declared.index_of))
    verbose = str(getattr(field, "verbose_name", field_name))
    if declared is not None and verbose == field_name.replace("_", " "):
        # The model gives the field no human name (Django made one from the column
        # name): the category it was declared under reads better than "body html".
        return str(declared.category.label)
    return str(capfirst(verbose))


def data_labels(names: Iterable[str], *, positions: dict[str, int] | None = None) -> list[str]:
    """Return the human names of these fields, each once, in the registry's order."""
    if positions is None:
        positions = registry_positions()
    ordered = sorted(names, key=lambda name: (positions.get(name, len(positions)), name))
    return list(dict.fromkeys(field_label(name) for name in ordered))


def data_names(names: Iterable[str], *, positions: dict[str, int] | None = None) -> str:
    """Return the human names of these fields, each once, in the registry's order, as text."""
    return ", ".join(data_labels(names, positions=positions))


def _who(entry: AccessEntry, customer_id: int) -> tuple[str, bool]:
    if entry.actor_kind == ActorKind.CONTRACTOR:
        # The label copied when it was recorded: company and function, never a person.
        return entry.actor_label or str(ActorKind.CONTRACTOR.label), False
    if entry.actor_kind == ActorKind.STAFF:
        roles = [
            Role(value).label for value in entry.actor_label.split(",") if value in Role.values
        ]
        return ", ".join(str(role) for role in roles) or str(STAFF), False
    if entry.actor_kind == ActorKind.CUSTOMER and entry.actor_id is not None:
        if entry.actor_id == customer_id:
            return str(YOURSELF), True
        return str(ANOTHER_ACCOUNT), False
    if entry.actor_label in Job.values:
        return str(Job(entry.actor_label).label), False
    return str(AUTOMATED), False


def _staff_name(entry: AccessEntry) -> str:
    if entry.actor_kind != ActorKind.STAFF or entry.actor_id is None:
        return ""
    try:
        actor = entry.actor
    except ObjectDoesNotExist:
        # The account is gone; the entry keeps its id without a constraint.
        return ""
    return actor.get_full_name() if actor is not None else ""


def _order_url(public_id: str | None) -> str:
    if not public_id:
        return ""
    try:
        return reverse("orders:detail", kwargs={"token": public_id})
    except NoReverseMatch:
        return ""


def _purpose(
    entry: AccessEntry, reasons: dict[tuple[int, int], str], orders: dict[str, str]
) -> tuple[str, str, str]:
    """Return the purpose in words, a link to the customer's own page for it, and a reason."""
    reference = entry.reference
    if entry.basis == AccessBasis.ORDER and reference:
        url = _order_url(orders.get(reference))
        return _("Porosia %(number)s") % {"number": reference}, url, entry.reason
    if entry.basis == AccessBasis.CONTRACTOR_JOB and reference:
        # The customer knows the order (or the repair case), not the job.
        job = JobReference.parse(reference)
        if job.case_id is not None:
            purpose = _("Rasti i riparimit #%(case)s") % {"case": job.case_id}
            if entry.action == AccessAction.SHARED and entry.reason:
                purpose = _("Rasti i riparimit #%(case)s, për %(contractor)s") % {
                    "case": job.case_id,
                    "contractor": entry.reason,
                }
            return purpose, "", ""
        number = job.order_number
        purpose = _("Porosia %(number)s") % {"number": number}
        if entry.action == AccessAction.SHARED and entry.reason:
            purpose = _("Porosia %(number)s, për %(contractor)s") % {
                "number": number,
                "contractor": entry.reason,
            }
        return purpose, _order_url(orders.get(number)), ""
    if entry.basis == AccessBasis.SUPPORT_CASE and reference:
        purpose = _("Rasti i mbështetjes %(reference)s") % {"reference": reference}
        return purpose, "", entry.reason
    if entry.basis == AccessBasis.BREAK_GLASS:
        reason = entry.reason
        if not reason and reference.isdigit():
            reason = reasons.get((entry.chain, int(reference)), "")
        return str(PURPOSES[AccessBasis.BREAK_GLASS]), "", reason
    return str(PURPOSES.get(entry.basis, OTHER)), "", ""


def _lower_first(text: str) -> str:
    """Return a label as it reads inside a sentence: "Rruga" → "rruga", "SKU" stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _actor_in_words(entry: AccessEntry) -> str:
    """Return who acted as the officer reads it: a company and function, roles, or a job."""
    if entry.actor_kind == ActorKind.CONTRACTOR:
        return entry.actor_label or str(ActorKind.CONTRACTOR.label)
    if entry.actor_kind == ActorKind.STAFF:
        roles = [
            Role(value).label for value in entry.actor_label.split(",") if value in Role.values
        ]
        return ", ".join(str(role) for role in roles) or str(STAFF)
    if entry.actor_kind == ActorKind.CUSTOMER:
        return str(ActorKind.CUSTOMER.label)
    if entry.actor_label in Job.values:
        return str(Job(entry.actor_label).label)
    return str(AUTOMATED)


def entry_in_words(entry: AccessEntry, *, positions: dict[str, int] | None = None) -> str:
    """Return an entry in one line for the officer: who, for what, and the data, in words.

    A contractor's read: "Kompania X, dorëzim, porosia 3VF-…, emri, telefoni, rruga dhe
    numri". Field names are the registry's labels, never codes; values are never shown.
    """
    purpose, _url, _reason = _purpose(entry, {}, {})
    parts = [
        _actor_in_words(entry),
        _lower_first(purpose),
        *(_lower_first(label) for label in data_labels(entry.field_names, positions=positions)),
    ]
    return ", ".join(part for part in parts if part)


def access_rows(
    entries: Sequence[AccessEntry], *, customer: Any, show_staff_names: bool
) -> list[AccessRow]:
    """Word these entries about `customer` for `customer`, in the active language."""
    reasons = break_glass_reasons_for(
        customer,
        places=(
            (entry.chain, int(entry.reference))
            for entry in entries
            if entry.basis == AccessBasis.BREAK_GLASS
            and not entry.reason
            and entry.reference.isdigit()
        ),
    )
    positions = registry_positions()
    # Order pages are addressed by opaque tokens; only the customer's own orders link.
    orders = dict(
        Order.objects.filter(
            customer_id=customer.pk,
            number__in={e.reference for e in entries if e.basis == AccessBasis.ORDER}
            | {
                e.reference.partition("#")[0]
                for e in entries
                if e.basis == AccessBasis.CONTRACTOR_JOB
            },
        ).values_list("number", "public_id")
    )
    rows = []
    for entry in entries:
        who, by_customer = _who(entry, customer.pk)
        purpose, purpose_url, reason = _purpose(entry, reasons, orders)
        rows.append(
            AccessRow(
                at=entry.at,
                who=who,
                staff_name=_staff_name(entry) if show_staff_names else "",
                by_customer=by_customer,
                what=str(WHAT_HAPPENED.get(entry.action, OTHER)),
                purpose=purpose,
                purpose_url=purpose_url,
                break_glass=entry.action in FLAGGED_ACTIONS
                or entry.basis == AccessBasis.BREAK_GLASS,
                reason=reason,
                data=data_names(entry.field_names, positions=positions),
            )
        )
    return rows
