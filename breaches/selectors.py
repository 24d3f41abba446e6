"""Reads of the breach register (P14), and who a breach touched, from the registry and the
access record.

The two people selectors return account numbers only. They read which fields an entry
of the access record names, and whether a declared field holds a value, never the
value itself: nothing personal is revealed, so they write no entry of their own (the
notices that follow do, when they read each person's address).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from breaches.models import AffectedPerson, Breach, BreachStatus
from breaches.permissions import BreachPermission
from privacy.models import AccessAction, AccessEntry
from privacy.registry import Category, ModelDeclaration, PersonalField, qualified, registry
from privacy.roles import Role, staff_roles

# The entries in which an actor saw, opened, wrote or handed on the values of the fields
# they name. A refusal showed nothing; an erasure left nothing to see.
EXPOSING_ACTIONS = frozenset(
    {
        AccessAction.REVEAL,
        AccessAction.BREAK_GLASS,
        AccessAction.OWN_PURPOSE,
        AccessAction.CHANGE,
        AccessAction.EXPORT,
        AccessAction.SHARED,
    }
)


class BreachInputError(ValidationError):
    """What the officer typed cannot be a breach or a search for its people; says why."""


@dataclass(frozen=True)
class RegistryField:
    """A field of the registry a breach may name: its access-record name and its label."""

    name: str
    label: str
    category: Category
    declaration: ModelDeclaration
    entry: PersonalField


def registry_fields() -> list[RegistryField]:
    """Return the registry's fields about customers, in registry order: what a breach names."""
    found = []
    for declaration in registry.about_customers():
        for name, entry in declaration.fields.items():
            field = declaration.model._meta.get_field(name)
            verbose = str(getattr(field, "verbose_name", name))
            label = f"{declaration.model._meta.verbose_name}: {verbose}"
            found.append(
                RegistryField(
                    qualified(declaration.model, name), label, entry.category, declaration, entry
                )
            )
    return found


def registry_field(name: str) -> RegistryField:
    """Return the registry's field of this name, or refuse a name the registry lacks."""
    for field in registry_fields():
        if field.name == name:
            return field
    raise BreachInputError(
        gettext("Fusha %(name)s nuk është në regjistrin e të dhënave personale.") % {"name": name},
        code="unknown_field",
    )


def window_check(start: datetime | None, end: datetime | None) -> None:
    """Refuse a period whose start comes after its end."""
    if start is not None and end is not None and start > end:
        raise BreachInputError(
            _("Fillimi i periudhës duhet të jetë para fundit të saj."), code="window_reversed"
        )


def people_revealed_by(
    *,
    actor_id: int,
    fields: Iterable[str],
    start: datetime,
    end: datetime,
    actions: Iterable[AccessAction] = EXPOSING_ACTIONS,
) -> set[int]:
    """Return the accounts whose values of `fields` this account saw between start and end.

    "Everyone whose phone staff account 12 revealed between two times": read off the
    access record, both ends included. An entry counts when it names one of the fields
    exactly (accounts.User.phone, not accounts.User.phone_index).
    """
    names = {registry_field(name).name for name in fields}
    if not names:
        raise BreachInputError(_("Zgjidhni të paktën një fushë."), code="no_fields")
    window_check(start, end)
    entries = AccessEntry.objects.filter(
        actor_id=actor_id,
        at__gte=start,
        at__lte=end,
        action__in=list(actions),
        subject_id__isnull=False,
    )
    # A cheap narrowing in the database; the exact match of names is done below.
    contains = Q()
    for name in names:
        contains |= Q(fields__contains=name)
    found = set()
    for subject_id, named in entries.filter(contains).values_list("subject_id", "fields"):
        if names & set(named.split(",")):
            found.add(subject_id)
    return found


def _subject_column(declaration: ModelDeclaration) -> str:
    return declaration.subject_path or "pk"


def people_with_values(*, fields: Iterable[str]) -> set[int]:
    """Return the accounts that hold a value in any of these fields: a leaked table's people."""
    chosen = [registry_field(name) for name in fields]
    if not chosen:
        raise BreachInputError(_("Zgjidhni të paktën një fushë."), code="no_fields")
    found: set[int] = set()
    for field in chosen:
        model = field.declaration.model
        column = field.name.rsplit(".", 1)[1]
        rows = model._default_manager.exclude(**{f"{column}__isnull": True})
        if getattr(model._meta.get_field(column), "empty_strings_allowed", False):
            rows = rows.exclude(**{column: ""})
        subject = _subject_column(field.declaration)
        found |= {pk for pk in rows.values_list(subject, flat=True).distinct() if pk is not None}
    return found


def may_handle(user: Any) -> bool:
    """Whether this staff member keeps the breach register: the officer, and no one else.

    A superuser holds every permission; the register is the officer's work, so a
    superuser keeps it only with the officer's role as well.
    """
    if not getattr(user, "is_authenticated", False) or not user.has_perm(BreachPermission.VIEW):
        return False
    return Role.DATA_PROTECTION_OFFICER in staff_roles(user)


def breaches_for(user: Any) -> QuerySet[Breach]:
    """Return the breaches this staff member may see: all of them for the officer, else none."""
    return Breach.objects.all() if may_handle(user) else Breach.objects.none()


def breaches_open() -> QuerySet[Breach]:
    """Return the breaches not closed, the oldest discovery first (its clock ends first)."""
    return (
        Breach.objects.exclude(status=BreachStatus.CLOSED)
        .annotate(people_count=Count("people"))
        .order_by("discovered_at", "pk")
    )


def people_of(breach: Breach) -> QuerySet[AffectedPerson]:
    return AffectedPerson.objects.filter(breach=breach).order_by("subject_id")
