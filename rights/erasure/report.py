"""What erasure does, in words a person reads: the plan before, the report after (P12)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from privacy.erasure_steps import OPEN_WORK
from privacy.registry import Erasure, Mask, PersonalField, Retention, registry
from rights.erasure.engine import OUTCOME_LABELS, Outcome
from rights.models import HoldKind, HoldScope, LegalHold


@dataclass(frozen=True)
class PlanLine:
    label: str
    outcome: Outcome
    reason: str


def field_label(key: str) -> str:
    """Return a field's name as a person reads it: "Porositë: Marrësi"."""
    app_label, model_name, *rest = key.split(".")
    declaration = next(
        (d for d in registry if d.model._meta.label == f"{app_label}.{model_name}"), None
    )
    if declaration is None:
        return key
    meta = declaration.model._meta
    if not rest:
        return str(meta.verbose_name_plural).capitalize()
    verbose = meta.get_field(rest[0]).verbose_name  # type: ignore[union-attr]
    return f"{str(meta.verbose_name_plural).capitalize()}: {verbose}"


def retention_reason(retention: str) -> str:
    if retention == Retention.ACCOUNTING_PERIOD:
        return _(
            "Ligji i kontabilitetit na detyron t'i mbajmë porositë dhe faturat %(years)s vjet."
        ) % {"years": settings.ACCOUNTING_RETENTION_YEARS}
    if retention == Retention.SUPPRESSION:
        return _(
            "Mbajmë vetëm një gjurmë të koduar të adresës, që të mos ju dërgojmë më marketing."
        )
    return str(Retention(retention).label) if retention in Retention.values else retention


def hold_reason(hold: LegalHold, *, for_customer: bool = True) -> str:
    """Say why data is held: kind, what it covers, the reason, the review date.

    A request from an authority may not be disclosed to the person it concerns: the
    customer reads only that the law requires keeping the data.
    """
    if for_customer and hold.kind == HoldKind.LEGAL_REQUEST:
        return _("Ligji na detyron t'i mbajmë edhe për njëfarë kohe; pastaj fshihen.")
    parts = [str(HoldKind(hold.kind).label)]
    if hold.scope == HoldScope.ORDER and hold.reference:
        parts.append(_("porosia %(number)s") % {"number": hold.reference})
    if hold.reason:
        parts.append(hold.reason)
    parts.append(_("rishikohet më %(date)s") % {"date": hold.review_on.strftime("%d.%m.%Y")})
    return "; ".join(parts)


def hold_reference(hold: LegalHold) -> str:
    """Name a hold in a request's history, which the person downloads: its number only.

    Neither its reason nor its kind: an authority's request may not be disclosed.
    """
    return _("Bllokimi #%(id)s") % {"id": hold.pk}


def anonymised_reason(model: type[models.Model], name: str, entry: PersonalField) -> str:
    """Say what an anonymised field becomes, as `rows._replacement` makes it.

    Only a name or an email becomes a pseudonym; a random identifier (the consent
    ledger's number) becomes a new random one, and anything else is emptied.
    """
    if entry.mask == Mask.NAME:
        return _("Zëvendësohet me një pseudonim, p.sh. E-7KQ2M9PXRT.")
    if entry.mask == Mask.EMAIL:
        return _("Zëvendësohet me një adresë pseudonimi ku nuk mbërrin asnjë email.")
    model_field = model._meta.get_field(name)
    required = isinstance(model_field, models.Field) and not model_field.blank
    if entry.mask == Mask.HIDDEN and required:
        reason = _("Zëvendësohet me një numër të ri të rastësishëm, që nuk lidhet me ju.")
    else:
        reason = _("Fshihet; rreshti mbetet pa të.")
    if entry.retention == Retention.CONSENT_PROOF:
        reason += " " + _(
            "Vendimet për cookies (çfarë zgjodhët dhe kur) mbeten si provë deri në fund "
            "të afatit, të lidhura vetëm me llogarinë e anonimizuar, jo me shfletuesin tuaj."
        )
    return reason


def erasure_plan(*, user: User) -> list[PlanLine]:
    """Return, field by field, what erasing this person would erase, anonymise or keep, and why."""
    lines = []
    for declaration in registry.about_customers():
        if not declaration.fields:
            continue
        for name, entry in declaration.fields.items():
            if entry.index_of:
                continue
            key = f"{declaration.label}.{name}"
            if entry.erasure == Erasure.DELETE:
                lines.append(PlanLine(field_label(key), Outcome.ERASED, ""))
            elif entry.erasure == Erasure.ANONYMISE:
                reason = (
                    retention_reason(entry.retention)
                    if entry.retention == Retention.ACCOUNTING_PERIOD
                    else anonymised_reason(declaration.model, name, entry)
                )
                lines.append(PlanLine(field_label(key), Outcome.ANONYMISED, reason))
            else:
                lines.append(
                    PlanLine(field_label(key), Outcome.KEPT, retention_reason(entry.retention))
                )
    return lines


def holds_expected(*, user: User) -> list[str]:
    """Return why some data would be held now: orders in flight, open cases, legal holds."""
    reasons = [
        hold_reason(hold) for hold in LegalHold.objects.filter(subject=user, lifted_at__isnull=True)
    ]
    for work in OPEN_WORK:
        rows = work.model._default_manager.filter(work.open, **{work.customer_field: user.pk})
        found = list(rows.values("pk", *work.columns))
        if work.hold_kind == HoldKind.UNPAID_ORDER:
            reasons += [
                _("Porosia %(number)s nuk është dorëzuar ose paguar ende: mbahet deri atëherë.")
                % {"number": work.reference(row)}
                for row in found
            ]
        elif found:
            reasons.append(
                _("Keni një rast të hapur me kujdesin ndaj klientit: mbahet derisa të mbyllet.")
            )
    return reasons


@dataclass(frozen=True)
class ReportLine:
    label: str
    outcome: str
    reason: str


def report_lines(report: list[dict[str, Any]], *, language: str) -> list[ReportLine]:
    """Return the report as lines a person reads, in their language."""
    holds = {
        hold.pk: hold
        for hold in LegalHold.objects.filter(
            pk__in=[row["hold"] for row in report if row.get("hold")]
        )
    }
    lines = []
    with translation.override(language):
        for row in report:
            if _is_index(row["field"]):
                # A keyed hash of a field already listed: erased with it, said once.
                continue
            outcome = Outcome(row["outcome"])
            reason = ""
            if outcome == Outcome.KEPT:
                reason = retention_reason(row.get("retention", ""))
            elif outcome == Outcome.HELD and row.get("hold") in holds:
                reason = hold_reason(holds[row["hold"]])
            lines.append(
                ReportLine(field_label(row["field"]), str(OUTCOME_LABELS[outcome]), reason)
            )
        lines.append(
            ReportLine(
                _("Regjistri i qasjeve në të dhënat tuaja"),
                str(OUTCOME_LABELS[Outcome.KEPT]),
                _(
                    "Tregon kush i pa të dhënat dhe pse; nuk mban asnjë vlerë tuajën dhe "
                    "tani ju referohet vetëm me një pseudonim."
                ),
            )
        )
    return lines


def _is_index(key: str) -> bool:
    app_label, model_name, *rest = key.split(".")
    declaration = next((d for d in registry if d.label == f"{app_label}.{model_name}"), None)
    entry = declaration.fields.get(rest[0]) if declaration and rest else None
    return bool(entry and entry.index_of)
