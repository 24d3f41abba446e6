"""Records of processing (Article 30 style), generated from the code that does the processing.

Nothing here is typed twice: the fields, their categories, purposes, retention and
safeguards come from the registry (each app's `personal_data.py`); the recipients from
the role matrix (`staff.access`), the contractor functions and their allow-lists the
DPO keeps (`contractors`), and the processors each app declares (`privacy.processors`);
the periods from the retention schedules. What the records cannot say, because an entry
is missing, `records_problems` names: a field without a purpose of P4, a purpose without
the policy's words, a role or processor without its entry, a retention without a schedule,
an allow-list naming a field the registry does not know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from compliance.clauses import P4_WORDS
from contractors.models import ContractorFunction
from privacy.models import AccessBasis
from privacy.processors import PROCESSORS, Processor
from privacy.registry import (
    Category,
    Erasure,
    Mask,
    ModelDeclaration,
    Purpose,
    Retention,
    qualified,
    registry,
)
from privacy.retention import SCHEDULES, Schedule
from privacy.roles import Role
from staff.access import ROLE_MATRIX


class RecipientKind(models.TextChoices):
    ROLE = "role", _("Roli i stafit")
    CONTRACTOR = "contractor", _("Funksioni i kontraktorit")
    PROCESSOR = "processor", _("Përpunues i jashtëm")
    AUTHORITY = "authority", _("Autoritet publik")


@dataclass(frozen=True)
class RoleEntry:
    """What a role does with what it sees: the records' entry for it as a recipient."""

    purposes: tuple[Purpose, ...]
    work: Any


# Each staff role as a recipient: why it receives what the role matrix lets it see.
ROLE_ENTRIES: dict[Role, RoleEntry] = {
    Role.SALES: RoleEntry(
        (Purpose.PRODUCTS_AND_SERVICES,),
        _("Konfirmon, përgatit dhe dorëzon porositë që i janë caktuar."),
    ),
    Role.CUSTOMER_CARE: RoleEntry(
        (Purpose.INFORMATION, Purpose.COMMUNICATION, Purpose.PRODUCTS_AND_SERVICES),
        _("U përgjigjet rasteve të mbështetjes dhe pyetjeve për porositë."),
    ),
    Role.MARKETING: RoleEntry(
        (Purpose.OFFERS,),
        _("Përgatit fushatat; sheh vetëm numra, asnjë të dhënë kontakti."),
    ),
    Role.DATA_PROTECTION_OFFICER: RoleEntry(
        (Purpose.INFORMATION, Purpose.COMMUNICATION),
        _("Trajton kërkesat e personave, kërkesat ligjore dhe shkeljet."),
    ),
    Role.ADMINISTRATOR: RoleEntry(
        (Purpose.REGISTRATION,),
        _("Administron llogaritë e stafit dhe sistemin; thyen xhamin vetëm me arsye."),
    ),
}

ROLE_SAFEGUARDS = _(
    "Të maskuara si parazgjedhje; plotësisht vetëm me qëllim të gjallë ose arsye të shkruar, "
    "me trajnim të vlefshëm; çdo shfaqje në regjistrin e qasjeve."
)
CONTRACTOR_SAFEGUARDS = _(
    "Marrëveshje konfidencialiteti e vlefshme; vetëm fushat e lejuara, vetëm punët e caktuara, "
    "me afat; çdo lexim në regjistrin e qasjeve."
)
AUTHORITY_SAFEGUARDS = _(
    "Vetëm kategoritë dhe periudha që miraton zyrtari; paketë e vulosur me lidhje që skadon; "
    "çdo zbulim në regjistrin e qasjeve; personi njoftohet."
)
# What guards every field, whatever its own declaration adds.
GENERAL_SAFEGUARDS = (
    _("Lidhje vetëm me HTTPS, HSTS dhe cookies të sigurta."),
    _("Fushat e ndjeshme të enkriptuara në ruajtje; çelësat jashtë bazës së të dhënave."),
    _("Stafi sheh të dhëna të maskuara; çdo shfaqje e plotë shënohet në regjistrin e qasjeve."),
    _("Stafi hyn me dy faktorë dhe ka trajnim të vlefshëm për privatësinë."),
    _("Çdo lloj të dhëne ka afat ruajtjeje; asgjë nuk mbahet përgjithmonë."),
)


@dataclass(frozen=True)
class FieldRecord:
    name: str  # app.Model.field, as the access record names it
    label: str
    category: Category
    purposes: tuple[Purpose, ...]
    retention: Retention
    period: str
    erasure: Erasure
    mask: Mask
    encrypted: bool
    index_of: str
    recipients: tuple[str, ...]

    @property
    def safeguards(self) -> list[str]:
        held = []
        if self.encrypted:
            held.append(gettext("e enkriptuar në ruajtje"))
        if self.index_of:
            held.append(gettext("indeks i verbër (HMAC) i %(field)s") % {"field": self.index_of})
        if self.mask != Mask.NONE:
            held.append(gettext("e maskuar: %(mask)s") % {"mask": self.mask.label})
        held.append(gettext("çdo shfaqje regjistrohet"))
        return held


@dataclass(frozen=True)
class Recipient:
    key: str
    kind: RecipientKind
    name: str
    work: str
    categories: frozenset[Category]
    purposes: tuple[Purpose, ...]
    safeguards: str
    # A contractor function's allow-list: the exact fields, not only their categories.
    fields: tuple[str, ...] = ()

    def receives(self, entry: FieldRecord) -> bool:
        if self.kind == RecipientKind.CONTRACTOR:
            return entry.name in self.fields
        return entry.category in self.categories


@dataclass(frozen=True)
class PurposeRecord:
    purpose: Purpose
    words: str
    categories: tuple[Category, ...]
    fields: int


@dataclass(frozen=True)
class RetentionRecord:
    retention: Retention
    period: str
    ending: str
    fields: int


@dataclass
class Records:
    generated_at: datetime
    controller: str
    contact: str
    purposes: list[PurposeRecord]
    categories: list[tuple[Category, list[FieldRecord]]]
    recipients: list[Recipient]
    retention: list[RetentionRecord]
    safeguards: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def fields(self) -> list[FieldRecord]:
        return [entry for _category, entries in self.categories for entry in entries]


def _label(declaration: ModelDeclaration, name: str) -> str:
    return str(getattr(declaration.model._meta.get_field(name), "verbose_name", name))


def _period(schedules: Mapping[Retention, Schedule], kind: Retention) -> str:
    schedule = schedules.get(kind)
    return schedule.period() if schedule else ""


def role_recipients(
    *,
    roles: Iterable[Role] = tuple(Role),
    matrix: Mapping[Role, Mapping[AccessBasis, frozenset[Category]]] = ROLE_MATRIX,
    entries: Mapping[Role, RoleEntry] = ROLE_ENTRIES,
) -> list[Recipient]:
    """Return each staff role that has its entry, with every category the matrix opens to it."""
    recipients = []
    for role in roles:
        entry = entries.get(role)
        if entry is None:
            continue
        categories: frozenset[Category] = frozenset()
        for opened in matrix.get(role, {}).values():
            categories |= opened
        recipients.append(
            Recipient(
                key=f"role:{role.value}",
                kind=RecipientKind.ROLE,
                name=str(role.label),
                work=str(entry.work),
                categories=categories,
                purposes=entry.purposes,
                safeguards=str(ROLE_SAFEGUARDS),
            )
        )
    return recipients


def contractor_recipients() -> list[Recipient]:
    """Return each contractor function with the fields its allow-list names (P10)."""
    personal = {
        qualified(declaration.model, name): entry.category
        for declaration in registry
        for name, entry in declaration.fields.items()
    }
    recipients = []
    for function in ContractorFunction.objects.prefetch_related("allowances").order_by("slug"):
        names = tuple(sorted(allowance.field for allowance in function.allowances.all()))
        recipients.append(
            Recipient(
                key=f"contractor:{function.slug}",
                kind=RecipientKind.CONTRACTOR,
                name=function.name_sq,
                work=gettext("Kontraktor: %(function)s") % {"function": function.name_sq},
                categories=frozenset(personal[name] for name in names if name in personal),
                purposes=(Purpose.PRODUCTS_AND_SERVICES,),
                safeguards=str(CONTRACTOR_SAFEGUARDS),
                fields=names,
            )
        )
    return recipients


def processor_recipients(processors: Iterable[Processor] = PROCESSORS) -> list[Recipient]:
    return [
        Recipient(
            key=f"processor:{processor.key}",
            kind=RecipientKind.PROCESSOR,
            name=str(processor.name),
            work=str(processor.service),
            categories=processor.categories,
            purposes=processor.purposes,
            safeguards=str(processor.safeguards),
        )
        for processor in processors
    ]


def authority_recipients() -> list[Recipient]:
    """Return the authorities a legal request may disclose to (P11), as one recipient."""
    return [
        Recipient(
            key="authority:legal_request",
            kind=RecipientKind.AUTHORITY,
            name=gettext("Policia, prokuroria, gjykatat, IDP dhe autoritete të tjera"),
            work=gettext("Vetëm me një kërkesë ligjore që zyrtari ka miratuar (P11)."),
            categories=frozenset(Category),
            purposes=(Purpose.INFORMATION,),
            safeguards=str(AUTHORITY_SAFEGUARDS),
        )
    ]


def records_build(*, now: datetime | None = None) -> Records:
    """Return the records of processing as the code and the DPO's lists stand now."""
    recipients = [
        *role_recipients(),
        *contractor_recipients(),
        *processor_recipients(),
        *authority_recipients(),
    ]
    by_category: dict[Category, list[FieldRecord]] = {category: [] for category in Category}
    for declaration in sorted(registry, key=lambda d: d.label):
        for name, entry in declaration.fields.items():
            record = FieldRecord(
                name=qualified(declaration.model, name),
                label=_label(declaration, name),
                category=entry.category,
                purposes=entry.purposes,
                retention=entry.retention,
                period=_period(SCHEDULES, entry.retention),
                erasure=entry.erasure,
                mask=entry.mask,
                encrypted=entry.encrypted,
                index_of=entry.index_of,
                recipients=(),
            )
            record = replace(
                record, recipients=tuple(r.key for r in recipients if r.receives(record))
            )
            by_category[entry.category].append(record)
    fields = [entry for entries in by_category.values() for entry in entries]
    purposes = [
        PurposeRecord(
            purpose=purpose,
            words=P4_WORDS.get(purpose, ""),
            categories=tuple(
                category
                for category in Category
                if any(purpose in e.purposes for e in by_category[category])
            ),
            fields=sum(purpose in entry.purposes for entry in fields),
        )
        for purpose in Purpose
    ]
    retention = [
        RetentionRecord(
            retention=kind,
            period=schedule.period(),
            ending=schedule.ending,
            fields=sum(entry.retention == kind for entry in fields),
        )
        for kind, schedule in SCHEDULES.items()
    ]
    return Records(
        generated_at=now or timezone.now(),
        controller="3VFejzo",
        contact=settings.CONTACT_EMAIL,
        purposes=purposes,
        categories=[(category, entries) for category, entries in by_category.items() if entries],
        recipients=recipients,
        retention=retention,
        safeguards=[str(text) for text in GENERAL_SAFEGUARDS],
        problems=records_problems(allowances=_allowances()),
    )


def _allowances() -> list[tuple[str, str]]:
    return list(
        ContractorFunction.objects.values_list("slug", "allowances__field")
        .exclude(allowances__field=None)
        .order_by("slug", "allowances__field")
    )


def records_problems(
    *,
    declarations: Iterable[ModelDeclaration] = registry,
    words: Mapping[Purpose, str] = P4_WORDS,
    roles: Iterable[Role] = tuple(Role),
    matrix: Mapping[Role, Mapping[AccessBasis, frozenset[Category]]] = ROLE_MATRIX,
    role_entries: Mapping[Role, RoleEntry] = ROLE_ENTRIES,
    processors: Iterable[Processor] = PROCESSORS,
    schedules: Mapping[Retention, Schedule] = SCHEDULES,
    purposes: Sequence[Purpose] = tuple(Purpose),
    allowances: Iterable[tuple[str, str]] = (),
) -> list[str]:
    """Name every entry the records miss; an empty list means they are complete.

    Each argument defaults to what the code declares; a test hands in a fake field,
    purpose, role or processor to see the check fail.
    """
    problems = []
    for purpose in purposes:
        if not words.get(purpose):
            problems.append(f"The purpose {str(purpose)!r} has no words of clause P4 (P4_WORDS).")
    known: set[str] = set()
    for declaration in declarations:
        known |= {qualified(declaration.model, name) for name in declaration.not_personal}
        for name, entry in declaration.fields.items():
            label = qualified(declaration.model, name)
            known.add(label)
            if not entry.purposes:
                problems.append(f"{label} declares no purpose.")
            for purpose in entry.purposes:
                if purpose not in purposes or not words.get(purpose):
                    problems.append(f"{label}: {str(purpose)!r} is not a purpose of clause P4.")
            if entry.retention not in schedules:
                problems.append(f"{label}: the retention {str(entry.retention)!r} has no schedule.")
    for role in roles:
        if role not in matrix:
            problems.append(f"The role {str(role)!r} has no row in staff.access.ROLE_MATRIX.")
        role_entry = role_entries.get(role)
        if role_entry is None or not role_entry.purposes or not str(role_entry.work):
            problems.append(
                f"The role {str(role)!r} has no entry in compliance.records.ROLE_ENTRIES."
            )
        elif any(purpose not in words for purpose in role_entry.purposes):
            problems.append(f"The role {str(role)!r} names a purpose outside clause P4.")
    for processor in processors:
        if not processor.purposes or any(p not in words for p in processor.purposes):
            problems.append(f"The processor {processor.key!r} names no purpose of clause P4.")
        if not str(processor.safeguards) or not str(processor.service):
            problems.append(f"The processor {processor.key!r} says no service or safeguard.")
    for slug, name in allowances:
        if name not in known:
            problems.append(
                f"The contractor function {slug!r} is allowed {name}, which the registry "
                "does not declare."
            )
    return problems


def records_as_dict(records: Records) -> dict[str, Any]:
    """Return the records as JSON-ready data: codes for programs, labels for people."""

    def choice(value: models.TextChoices) -> dict[str, str]:
        return {"code": str(value.value), "label": str(value.label)}

    return {
        "generated_at": records.generated_at.isoformat(),
        "controller": records.controller,
        "contact": records.contact,
        "purposes": [
            {
                **choice(entry.purpose),
                "policy_words": entry.words,
                "categories": [category.value for category in entry.categories],
                "fields": entry.fields,
            }
            for entry in records.purposes
        ],
        "categories": [
            {**choice(category), "fields": len(entries)} for category, entries in records.categories
        ],
        "fields": [
            {
                "name": entry.name,
                "label": entry.label,
                "category": entry.category.value,
                "purposes": [purpose.value for purpose in entry.purposes],
                "retention": {**choice(entry.retention), "period": entry.period},
                "erasure": choice(entry.erasure),
                "mask": choice(entry.mask),
                "encrypted": entry.encrypted,
                "blind_index_of": entry.index_of,
                "safeguards": entry.safeguards,
                "recipients": list(entry.recipients),
            }
            for entry in records.fields
        ],
        "recipients": [
            {
                "key": recipient.key,
                "kind": choice(recipient.kind),
                "name": recipient.name,
                "work": recipient.work,
                "categories": [c.value for c in Category if c in recipient.categories],
                "purposes": [purpose.value for purpose in recipient.purposes],
                "allowed_fields": list(recipient.fields),
                "safeguards": recipient.safeguards,
            }
            for recipient in records.recipients
        ],
        "retention": [
            {
                **choice(entry.retention),
                "period": entry.period,
                "ending": entry.ending,
                "fields": entry.fields,
            }
            for entry in records.retention
        ],
        "safeguards": records.safeguards,
        "problems": records.problems,
    }
