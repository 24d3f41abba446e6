"""The personal-data registry: the one list of fields that hold personal data.

Each app declares its fields in its own `personal_data.py` with `declare(...)`.
Encryption, masking, staff access, the access record, the data map and (later)
export, erasure and retention all read these declarations and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IDENTITY = "identity", _("Identiteti")
    CONTACT = "contact", _("Kontakti")
    ADDRESS = "address", _("Adresa")
    ORDER = "order", _("Porositë")
    SUPPORT = "support", _("Mbështetja")
    TECHNICAL = "technical", _("Të dhëna teknike")


class Purpose(models.TextChoices):
    """Why personal data is processed: the uses the policy names (P4), nothing else."""

    INFORMATION = "information", _("Dhënia e informacionit të kërkuar")
    PRODUCTS_AND_SERVICES = "products_and_services", _("Produktet dhe shërbimet e kërkuara")
    REGISTRATION = "registration", _("Regjistrimi i përdoruesve")
    COMMUNICATION = "communication", _("Komunikimi me klientin")
    OFFERS = "offers", _("Shërbime, oferta dhe përditësime")


class Mask(models.TextChoices):
    NAME = "name", _("Emër: A*** K***")
    EMAIL = "email", _("Email: a***@g***.com")
    PHONE = "phone", _("Telefon: +355 69 *** **67")
    STREET = "street", _("Rrugë: Rr. ***")
    TEXT = "text", _("Tekst: ***")
    IP_ADDRESS = "ip_address", _("Adresë IP: 192.168.*.*")
    HIDDEN = "hidden", _("I fshehur")
    NONE = "none", _("Pa maskim")


class Erasure(models.TextChoices):
    DELETE = "delete", _("Fshihet")
    ANONYMISE = "anonymise", _("Anonimizohet")
    KEEP_FOR_LAW = "keep_for_law", _("Mbahet për afatin ligjor")


class Retention(models.TextChoices):
    """How long a field lives; the periods are settings read by the retention jobs."""

    ACCOUNT_LIFETIME = "account_lifetime", _("Sa të jetë aktive llogaria")
    ACCOUNTING_PERIOD = "accounting_period", _("Afati ligjor i kontabilitetit")
    UNTIL_DELIVERED = "until_delivered", _("Deri në dërgimin e mesazhit")
    CASE_LIFETIME = "case_lifetime", _("Sa të jetë i hapur rasti, pastaj afati i ruajtjes")
    SECURITY_PERIOD = "security_period", _("Periudha e sigurisë")
    CONSENT_PROOF = "consent_proof", _("Sa të vlejë pëlqimi, pastaj afati i provës")
    SUBSCRIPTION_LIFETIME = "subscription_lifetime", _("Sa të jetë abonuar; pa konfirmim, 7 ditë")
    SUPPRESSION = "suppression", _("Sa kohë duhet për të mos i dërguar më marketing")
    CART = "cart", _("Derisa shporta të braktiset")
    EXPORT_LINK = "export_link", _("Sa vlen lidhja e shkarkimit")
    CONFIRMATION_LINK = "confirmation_link", _("Sa vlen lidhja e konfirmimit")
    REQUEST_RECORD = "request_record", _("Prova se kërkesa u trajtua")
    CONTRACTOR_JOB = "contractor_job", _("Sa të jetë e hapur puna e kontraktorit, pastaj afati")
    LEGAL_REQUEST = "legal_request", _("Prova e një kërkese ligjore dhe e vendimit për të")


@dataclass(frozen=True)
class PersonalField:
    """One model field that holds personal data, and what the platform does with it."""

    name: str
    category: Category
    purposes: tuple[Purpose, ...]
    mask: Mask
    retention: Retention
    erasure: Erasure
    encrypted: bool = False
    # Set on a blind-index column: the personal field it is the keyed HMAC of.
    index_of: str = ""
    # Text that may hold links which act without signing in (a mail's body): the
    # person's download gives it with the links taken out.
    links_removed_on_export: bool = False


@dataclass
class ModelDeclaration:
    model: type[models.Model]
    fields: dict[str, PersonalField]
    not_personal: dict[str, str]
    # How to find the person a row is about, as a path of field names ("" for the person).
    subject_path: str | None
    # Whether erasing the person deletes these rows outright rather than field by field.
    erase_rows: bool = False
    # How long rows live when the model has no personal field to say it.
    row_retention: Retention | None = None
    # The person the rows are about is a staff member (their own actions), not a customer.
    subject_is_staff: bool = False
    # Rows the person's own download leaves out, by law: e.g. an authority's request
    # that may not be disclosed to the person it concerns.
    withheld_from_download: models.Q | None = None
    # The name the download gives these rows, when it is not the model's label: kept
    # when a model moves to another app, so a program reading the download keeps working.
    download_key: str = ""
    # What the person reading their download calls these rows, in plain words ("Porositë
    # tuaja"), not the back office's table name ("mesazhet në dalje"); lazy, translated.
    download_title: Any = ""

    @property
    def label(self) -> str:
        return self.model._meta.label

    @property
    def title(self) -> str:
        """Return the heading of these rows in a person's download, in the active language."""
        return str(capfirst(self.download_title or self.model._meta.verbose_name_plural))

    @property
    def key(self) -> str:
        """Return the name of these rows in a person's download."""
        return self.download_key or self.label

    def subject_id_of(self, instance: models.Model) -> int | None:
        if self.subject_path is None:
            return None
        if self.subject_path == "":
            return int(instance.pk)
        value: object = instance
        *hops, last = self.subject_path.split("__")
        for hop in hops:
            value = getattr(value, hop, None)
            if value is None:
                return None
        raw = getattr(value, f"{last}_id", None)
        return int(raw) if raw is not None else None


@dataclass
class Registry:
    declarations: dict[type[models.Model], ModelDeclaration] = field(default_factory=dict)

    def declare(
        self,
        model: type[models.Model],
        *,
        fields: list[PersonalField],
        not_personal: dict[str, str] | None = None,
        subject: str | None = None,
        erase_rows: bool | None = None,
        row_retention: Retention | None = None,
        subject_is_staff: bool = False,
        withheld_from_download: models.Q | None = None,
        download_key: str = "",
        download_title: Any = "",
    ) -> ModelDeclaration:
        """Declare a model's personal fields, and say why look-alike fields are not personal.

        `subject` is the path from a row to the person it is about: "" when the row is
        the person, "customer" when it has a `customer` foreign key, None when unknown.
        Erasing a person deletes their rows outright when every field is erased by
        deletion, or when `erase_rows` says so; otherwise field by field.
        """
        if model in self.declarations:
            raise ValueError(f"{model._meta.label} is declared twice; keep one declaration.")
        if erase_rows is None:
            erase_rows = bool(fields) and all(entry.erasure == Erasure.DELETE for entry in fields)
        declaration = self.declarations[model] = ModelDeclaration(
            model=model,
            fields={entry.name: entry for entry in fields},
            not_personal=dict(not_personal or {}),
            subject_path=subject,
            erase_rows=erase_rows,
            row_retention=row_retention,
            subject_is_staff=subject_is_staff,
            withheld_from_download=withheld_from_download,
            download_key=download_key,
            download_title=download_title,
        )
        return declaration

    def __iter__(self) -> Iterator[ModelDeclaration]:
        return iter(self.declarations.values())

    def of(self, model: type[models.Model]) -> ModelDeclaration | None:
        return self.declarations.get(model._meta.concrete_model or model)

    def fields_of(self, model: type[models.Model]) -> dict[str, PersonalField]:
        declaration = self.of(model)
        return declaration.fields if declaration else {}

    def about_people(self) -> Iterator[ModelDeclaration]:
        """Yield the declarations whose rows are about one person: what erasure walks."""
        for declaration in self:
            if declaration.subject_path is not None:
                yield declaration

    def about_customers(self) -> Iterator[ModelDeclaration]:
        """Yield the declarations whose rows are about one customer: what a download holds."""
        for declaration in self.about_people():
            if not declaration.subject_is_staff:
                yield declaration

    def encrypted_fields(self) -> Iterator[tuple[type[models.Model], PersonalField]]:
        for declaration in self:
            for entry in declaration.fields.values():
                if entry.encrypted:
                    yield declaration.model, entry


registry = Registry()
declare = registry.declare


def qualified(model: type[models.Model], name: str) -> str:
    """Return the name a field goes by in the access record and the docs: app.Model.field."""
    return f"{model._meta.label}.{name}"
