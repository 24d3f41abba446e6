"""The sections of a customer's download (P12), read off the registry.

Each declaration in `registry.about_customers()` is one section: every column of its
model but the machinery in INTERNAL_COLUMNS, read with one query and streamed, personal
fields opened as they are read. So whatever a later feature declares is in the next
download without a change here. Two sections are built in, being about the customer
without being rows a declaration leads to them by: the access record about them, and
the marketing campaigns mailed to them. Nothing here queries until rows are asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Delivery, DeliveryState
from campaigns.rendering import campaign_language_for
from privacy.models import AccessEntry, Job
from privacy.registry import (
    Erasure,
    ModelDeclaration,
    PersonalField,
    Retention,
    qualified,
    registry,
)
from privacy.selectors import access_entries_for
from privacy.subjects import proven_addresses, rows_about
from rights.presentation import data_names, registry_positions
from staff.roles import Role

# Rows fetched per round trip: with the report's batches, what bounds memory.
CHUNK_ROWS = 200

# Columns that are machinery, not data about the person: the row's sealing id, the
# password hash, and secrets or hashes of secrets that open files or confirm links.
INTERNAL_COLUMNS = frozenset(
    {"seal_id", "password", "file_key", "token_hash", "password_state", "confirmation_digest"}
)

ACCESS_RECORD_KEY = "privacy.access_record"
ACCESS_RECORD_COLUMNS = (
    "seq",
    "at",
    "actor_kind",
    "actor_label",
    "action",
    "basis",
    "fields",
    "reference",
)
ACCESS_RECORD_TITLE = gettext_lazy("Kush i ka parë të dhënat tuaja")
ACCESS_RECORD_NOTE = gettext_lazy(
    "Çdo herë që stafi ose një proces automatik i pa, i ndryshoi ose i eksportoi të "
    "dhënat tuaja: kur, kush (një rol ose një proces, jo një emër), pse dhe cilat të dhëna."
)
SIGN_IN_KEY = "accounts.failed_sign_ins"
SIGN_IN_TITLE = gettext_lazy("Hyrjet e dështuara në llogarinë tuaj")
SIGN_IN_NOTE = gettext_lazy(
    "Përpjekjet për të hyrë me adresën tuaj dhe një fjalëkalim të gabuar, që i mbajmë "
    "për të ndaluar hamendësimin e fjalëkalimit; fshihen vetvetiu pas %(days)s ditësh."
)
CAMPAIGNS_KEY = "campaigns.sent_campaigns"
CAMPAIGNS_TITLE = gettext_lazy("Email-et e marketingut që ju dërguam")
CAMPAIGNS_NOTE = gettext_lazy("Fushatat me email që ju janë dërguar: subjekti dhe data.")


@dataclass(frozen=True)
class Column:
    """One column of a section: how to read it off a row, and what to call it."""

    name: str
    label: str
    read: Callable[[Any], Any]
    personal: PersonalField | None = None
    # Set for a coded value (choices, job and role names): the code's label.
    label_of: Callable[[Any], str] | None = None
    references: str | None = None

    def describe(self, declaration: ModelDeclaration | None) -> dict[str, Any]:
        entry = self.personal
        whole_row = declaration is not None and declaration.erase_rows
        retention: Retention | None = declaration.row_retention if declaration else None
        erasure: Erasure | None = Erasure.DELETE if whole_row else None
        if entry is not None:
            retention, erasure = entry.retention, entry.erasure
        return {
            "name": self.name,
            "label": self.label,
            "personal": entry is not None,
            "category": entry.category.value if entry else None,
            "purposes": [purpose.value for purpose in entry.purposes] if entry else [],
            "retention": retention.value if retention else None,
            "erasure": erasure.value if erasure else None,
            "index_of": (entry.index_of or None) if entry else None,
            "coded": self.label_of is not None,
            "references": self.references,
        }

    def value(self, raw: Any) -> Any:
        """Return the value as data.json holds it: a coded value with its label."""
        if self.label_of is None:
            return raw
        return {"value": raw, "label": self.label_of(raw) if raw not in (None, "") else ""}

    def text(self, raw: Any) -> str:
        """Return the value as the report shows it."""
        if raw is None or raw == "":
            return "—"
        if self.label_of is not None:
            return self.label_of(raw)
        if isinstance(raw, bool):
            return _("Po") if raw else _("Jo")
        if isinstance(raw, datetime):
            # The shop's time (Europe/Tirane), whatever a request may have activated.
            shown = raw.astimezone(timezone.get_default_timezone()) if raw.tzinfo else raw
            return f"{shown.day}.{shown.month}.{shown.year} {shown:%H:%M}"
        if isinstance(raw, date):
            return f"{raw.day}.{raw.month}.{raw.year}"
        if isinstance(raw, dict | list):
            return ENCODER.encode(raw)
        return str(raw)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[Any]]
    declaration: ModelDeclaration | None = None
    note: str = ""

    def head(self) -> dict[str, Any]:
        entries = self.declaration.fields.values() if self.declaration else []
        return {
            "key": self.key,
            "title": self.title,
            "categories": sorted({entry.category.value for entry in entries}),
            "note": self.note,
            "fields": [column.describe(self.declaration) for column in self.columns],
        }


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, Promise):
            return str(o)
        return super().default(o)


ENCODER = _Encoder(ensure_ascii=False)


def _labels(pairs: Iterable[tuple[Any, Any]]) -> Callable[[Any], str]:
    known = {value: str(label) for value, label in pairs}
    return lambda raw: known.get(raw, str(raw))


def _column(model_field: models.Field[Any, Any], entry: PersonalField | None) -> Column:
    label = str(capfirst(model_field.verbose_name))
    if entry is not None and entry.index_of:
        source = model_field.model._meta.get_field(entry.index_of)
        source_label = capfirst(getattr(source, "verbose_name", entry.index_of))
        label = _("%(field)s (gjurmë kërkimi)") % {"field": source_label}
    read: Callable[[Any], Any] = attrgetter(model_field.attname)
    if model_field.is_relation and model_field.related_model is not None:
        related = model_field.related_model
        return Column(
            model_field.name,
            label,
            read,
            personal=entry,
            references=related._meta.label if not isinstance(related, str) else related,
        )
    label_of = _labels(model_field.flatchoices) if model_field.choices else None
    if entry is not None and entry.links_removed_on_export:
        read = _without_links(read)
    return Column(model_field.name, label, read, personal=entry, label_of=label_of)


LINK = re.compile(r"https?://[^\s\"'<>]+")


def _without_links(read: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def links_removed(row: Any) -> Any:
        value = read(row)
        if not isinstance(value, str):
            return value
        return LINK.sub(str(_("[lidhja u hoq]")), value)

    return links_removed


def _declaration_section(declaration: ModelDeclaration, user: Any) -> Section:
    model = declaration.model
    columns = [
        _column(model_field, declaration.fields.get(model_field.name))
        for model_field in model._meta.concrete_fields
        if model_field.name not in INTERNAL_COLUMNS
    ]

    def rows() -> Iterable[Any]:
        # The same rows erasure would take: by account, and by a keyed hash of the address.
        found = rows_about(declaration, user_ids=[user.pk], emails=proven_addresses([user]))
        if declaration.withheld_from_download is not None:
            found = found.exclude(declaration.withheld_from_download)
        return found.order_by("pk").iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=model._meta.label,
        title=str(capfirst(model._meta.verbose_name_plural)),
        columns=columns,
        rows=rows,
        declaration=declaration,
    )


def _access_record_section(user: Any) -> Section:
    """The access record about the person: roles and jobs, never staff names or addresses."""
    fields = {model_field.name: model_field for model_field in AccessEntry._meta.concrete_fields}
    columns = [_column(fields[name], None) for name in ACCESS_RECORD_COLUMNS]
    actors = _labels([*Job.choices, *Role.choices])
    positions = registry_positions()
    names: dict[str, str] = {}

    def actor_label(raw: str) -> str:
        return ", ".join(actors(part) for part in raw.split(","))

    def field_names(raw: str) -> str:
        if raw not in names:
            names[raw] = data_names([name for name in raw.split(",") if name], positions=positions)
        return names[raw]

    relabelled = {"actor_label": actor_label, "fields": field_names}
    columns = [
        Column(c.name, c.label, c.read, label_of=relabelled[c.name]) if c.name in relabelled else c
        for c in columns
    ]

    def rows() -> Iterable[Any]:
        entries = access_entries_for(user).only(*ACCESS_RECORD_COLUMNS)
        return entries.iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=ACCESS_RECORD_KEY,
        title=str(ACCESS_RECORD_TITLE),
        columns=columns,
        rows=rows,
        note=str(ACCESS_RECORD_NOTE),
    )


def _campaign_subject(delivery: Delivery) -> str:
    campaign = delivery.campaign
    language = delivery.subscriber.language if delivery.subscriber else "sq"
    english = campaign_language_for(campaign, language) == "en"
    return campaign.subject_en if english else campaign.subject_sq


def _campaigns_section(user: Any) -> Section:
    """The marketing mails sent to the person's subscription, by subject and date."""
    columns = [
        Column(
            "campaign", _("Fushata"), attrgetter("campaign_id"), references="campaigns.Campaign"
        ),
        Column("subject", _("Subjekti"), _campaign_subject),
        Column("sent_at", _("Dërguar më"), attrgetter("sent_at")),
    ]

    def rows() -> Iterable[Any]:
        declaration = registry.of(Delivery)
        assert declaration is not None
        theirs = rows_about(declaration, user_ids=[user.pk], emails=proven_addresses([user]))
        sent = (
            theirs.filter(state=DeliveryState.SENT)
            .select_related("campaign", "subscriber")
            .only(
                "campaign__subject_sq",
                "campaign__subject_en",
                "campaign__body_en",
                "subscriber__language",
                "sent_at",
            )
            .order_by("sent_at", "pk")
        )
        return sent.iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=CAMPAIGNS_KEY,
        title=str(CAMPAIGNS_TITLE),
        columns=columns,
        rows=rows,
        note=str(CAMPAIGNS_NOTE),
    )


def _sign_in_section(user: Any) -> Section:
    """Failed sign-ins under the person's address (django-axes keeps them to stop guessing)."""
    from axes.models import AccessAttempt

    from accounts.axes import sign_in_records_for

    fields = {f.name: f for f in AccessAttempt._meta.concrete_fields}
    columns = [
        Column("attempt_time", _("Koha e fundit"), attrgetter("attempt_time")),
        Column("ip_address", _("Adresa IP"), attrgetter("ip_address")),
        Column("user_agent", _("Shfletuesi"), attrgetter("user_agent")),
        Column("failures_since_start", _("Përpjekje"), attrgetter("failures_since_start")),
    ]
    assert all(column.name in fields for column in columns)

    def rows() -> Iterable[Any]:
        addresses = list(proven_addresses([user]).values())
        return sign_in_records_for(emails=addresses).iterator(chunk_size=CHUNK_ROWS)

    return Section(
        key=SIGN_IN_KEY,
        title=str(SIGN_IN_TITLE),
        columns=columns,
        rows=rows,
        note=str(SIGN_IN_NOTE) % {"days": settings.SECURITY_LOG_RETENTION_DAYS},
    )


def export_sections(user: Any) -> list[Section]:
    """Return the sections of this person's download, in the active language; no queries yet."""
    sections = [_declaration_section(d, user) for d in registry.about_customers()]
    return [
        *sections,
        _access_record_section(user),
        _campaigns_section(user),
        _sign_in_section(user),
    ]


def export_personal_fields() -> list[str]:
    """Return the qualified names of the personal fields a download holds (the registry's)."""
    return [
        qualified(declaration.model, name)
        for declaration in registry.about_customers()
        for name in declaration.fields
    ]


def export_section_titles() -> list[str]:
    """Return what a download holds, section by section, in the active language."""
    titles = [str(capfirst(d.model._meta.verbose_name_plural)) for d in registry.about_customers()]
    return [*titles, str(ACCESS_RECORD_TITLE), str(CAMPAIGNS_TITLE), str(SIGN_IN_TITLE)]
