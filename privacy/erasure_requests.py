"""Erasure requests (P12): received, confirmed by the person, executed, reported, held.

A request comes from the account (password re-check, then a link to the account's
address) or is registered by staff from an email, a call or a visit (identity checked
by the same link). Confirming it disables the login at once; the data-protection
officer executes it before its due date, one month from receipt unless extended once.
"""

from __future__ import annotations

import calendar
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from mail.models import MailKind
from mail.services import mail_enqueue
from orders.models import Order
from privacy.erasure import (
    ERASED_MAIL_DOMAIN,
    ORDERS_IN_FLIGHT,
    OUTCOME_LABELS,
    ErasureCause,
    Outcome,
    erase_people,
    login_disable,
)
from privacy.models import (
    ErasedSubject,
    ErasureEvent,
    ErasureRequest,
    ErasureState,
    ErasureStep,
    HoldKind,
    LegalHold,
    RequestChannel,
)
from privacy.registry import Erasure, Retention, registry
from support.models import CaseStatus, SupportCase


class ErasureRequestError(ValidationError):
    """A request step that cannot be taken; the message is for the person who tried."""


def add_months(moment: datetime, months: int) -> datetime:
    """Return the same local time `months` calendar months later (31 Jan + 1 → 28/29 Feb)."""
    local = timezone.localtime(moment)
    years, month_index = divmod(local.month - 1 + months, 12)
    year, month = local.year + years, month_index + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor_label(actor: Any | None) -> str:
    """Name who acted by role, as it was then: "staff:<id>:<roles>", customer or system."""
    if actor is None:
        return "system"
    if getattr(actor, "is_staff", False):
        from staff.access import staff_roles

        roles = ",".join(sorted(role.value for role in staff_roles(actor)))
        return f"staff:{actor.pk}:{roles}"[:80]
    return "customer"


def _event(
    request: ErasureRequest, step: ErasureStep, *, actor: Any | None = None, detail: str = ""
) -> None:
    ErasureEvent.objects.create(
        request=request,
        step=step,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        detail=detail,
    )


def confirmation_url(token: str, *, language: str) -> str:
    with translation.override(language):
        path = reverse("privacy:erasure_confirm", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


# --- What erasure will do, said before the person confirms -----------------------------


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


def hold_reason(hold: LegalHold) -> str:
    parts = [str(HoldKind(hold.kind).label)]
    if hold.order is not None:
        parts.append(_("porosia %(number)s") % {"number": hold.order.number})
    if hold.reason:
        parts.append(hold.reason)
    parts.append(_("rishikohet më %(date)s") % {"date": hold.review_on.strftime("%d.%m.%Y")})
    return "; ".join(parts)


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
                    else _("Emri, adresa e email-it dhe telefoni zëvendësohen me një pseudonim.")
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
        hold_reason(hold)
        for hold in LegalHold.objects.filter(subject=user, lifted_at__isnull=True).select_related(
            "order"
        )
    ]
    for number in Order.objects.filter(customer=user, status__in=ORDERS_IN_FLIGHT).values_list(
        "number", flat=True
    ):
        reasons.append(
            _("Porosia %(number)s nuk është dorëzuar ose paguar ende: mbahet deri atëherë.")
            % {"number": number}
        )
    if SupportCase.objects.filter(customer=user, status=CaseStatus.OPEN).exists():
        reasons.append(
            _("Keni një rast të hapur me kujdesin ndaj klientit: mbahet derisa të mbyllet.")
        )
    return reasons


# --- Receiving and confirming -----------------------------------------------------------


def _send_confirmation(request: ErasureRequest, *, actor: Any | None) -> None:
    token = secrets.token_urlsafe(32)
    user = request.subject
    request.confirmation_digest = _digest(token)
    request.confirmation_sent_at = timezone.now()
    request.save(update_fields=["confirmation_digest", "confirmation_sent_at"])
    mail_enqueue(
        kind=MailKind.ERASURE_CONFIRM,
        to_address=user.email,
        language=user.language,
        recipient=user,
        context={
            "first_name": user.first_name,
            "confirm_url": confirmation_url(token, language=user.language),
            "registered_by_staff": request.channel != RequestChannel.ACCOUNT,
            "channel": RequestChannel(request.channel).label,
            "received_on": timezone.localtime(request.received_at),
            "valid_days": settings.ERASURE_CONFIRMATION_DAYS,
        },
    )
    _event(request, ErasureStep.CONFIRMATION_SENT, actor=actor)


def _open_request(user: User) -> ErasureRequest | None:
    return (
        ErasureRequest.objects.select_for_update()
        .filter(subject=user, state__in=(ErasureState.AWAITING_CONFIRMATION, ErasureState.VERIFIED))
        .first()
    )


def _receive(
    *, user: User, channel: RequestChannel, received_at: datetime, actor: Any | None
) -> ErasureRequest:
    if user.is_staff:
        raise ErasureRequestError(
            _("Llogaritë e stafit mbyllen nga administratori, jo me kërkesë fshirjeje.")
        )
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        existing = _open_request(user)
        if existing is not None:
            if existing.state == ErasureState.AWAITING_CONFIRMATION:
                _send_confirmation(existing, actor=actor)
            return existing
        request = ErasureRequest.objects.create(
            subject=user,
            channel=channel,
            received_at=received_at,
            due_at=add_months(received_at, settings.ERASURE_RESPONSE_MONTHS),
            registered_by=actor if channel != RequestChannel.ACCOUNT else None,
        )
        _event(request, ErasureStep.RECEIVED, actor=actor, detail=channel)
        _send_confirmation(request, actor=actor)
    return request


def erasure_request_by_customer(*, user: User, password: str) -> ErasureRequest:
    """Receive a request from the person's own account, after re-checking their password."""
    if not user.check_password(password):
        raise ErasureRequestError(_("Fjalëkalimi nuk është i saktë."), code="password")
    return _receive(
        user=user, channel=RequestChannel.ACCOUNT, received_at=timezone.now(), actor=user
    )


def erasure_request_register(
    *, subject: User, channel: RequestChannel, received_on: date, actor: User
) -> ErasureRequest:
    """Register a request that reached staff by email, phone or in person.

    The due date runs from when it was received; the identity is checked by a link to
    the account's own address, which the person opens and confirms.
    """
    if channel == RequestChannel.ACCOUNT:
        raise ErasureRequestError(_("Zgjidhni si erdhi kërkesa: email, telefon apo në dyqan."))
    if ErasedSubject.objects.filter(user=subject).exists():
        raise ErasureRequestError(_("Të dhënat e këtij personi janë fshirë tashmë."))
    today = timezone.localdate()
    if received_on > today:
        raise ErasureRequestError(_("Data e marrjes nuk mund të jetë në të ardhmen."))
    now = timezone.localtime()
    received_at = (
        now
        if received_on == today
        else now.replace(
            year=received_on.year, month=received_on.month, day=received_on.day, hour=9, minute=0
        )
    )
    return _receive(user=subject, channel=channel, received_at=received_at, actor=actor)


def erasure_request_for_token(token: str) -> ErasureRequest | None:
    """Return the request awaiting confirmation with this link, if the link is still valid."""
    if not token or len(token) > 100:
        return None
    valid_since = timezone.now() - timedelta(days=settings.ERASURE_CONFIRMATION_DAYS)
    return (
        ErasureRequest.objects.select_related("subject")
        .filter(
            confirmation_digest=_digest(token),
            state=ErasureState.AWAITING_CONFIRMATION,
            confirmation_sent_at__gte=valid_since,
        )
        .first()
    )


def erasure_request_confirm(*, token: str) -> ErasureRequest:
    """Confirm a request from the link in the mail: the login is disabled from now on."""
    with transaction.atomic():
        found = erasure_request_for_token(token)
        request = (
            ErasureRequest.objects.select_for_update().filter(pk=found.pk).first()
            if found
            else None
        )
        if request is None or request.state != ErasureState.AWAITING_CONFIRMATION:
            raise ErasureRequestError(
                _("Lidhja nuk vlen më. Kërkoni fshirjen sërish nga llogaria ose na shkruani.")
            )
        request.state = ErasureState.VERIFIED
        request.verified_at = timezone.now()
        request.confirmation_digest = ""
        request.save(update_fields=["state", "verified_at", "confirmation_digest"])
        _event(request, ErasureStep.VERIFIED)
        login_disable([request.subject_id])
        _event(request, ErasureStep.LOGIN_DISABLED)
    return request


# --- Handling: extension, execution, holds ----------------------------------------------


def erasure_request_extend(*, request: ErasureRequest, reason: str, actor: User) -> ErasureRequest:
    """Extend the due date once, by the months the law allows, and tell the person why."""
    reason = " ".join(reason.split())
    if len(reason) < 15:
        raise ErasureRequestError(_("Shkruani arsyen e zgjatjes, të paktën 15 shkronja."))
    with transaction.atomic():
        locked = (
            ErasureRequest.objects.select_for_update().select_related("subject").get(pk=request.pk)
        )
        if not locked.may_be_extended:
            raise ErasureRequestError(_("Afati i kësaj kërkese mund të zgjatet vetëm një herë."))
        locked.due_at = add_months(locked.due_at, settings.ERASURE_EXTENSION_MONTHS)
        locked.extended_at = timezone.now()
        locked.extension_reason = reason
        locked.reminded_at = None
        locked.save(update_fields=["due_at", "extended_at", "extension_reason", "reminded_at"])
        _event(locked, ErasureStep.EXTENDED, actor=actor, detail=reason)
        user = locked.subject
        mail_enqueue(
            kind=MailKind.ERASURE_EXTENDED,
            to_address=user.email,
            language=user.language,
            recipient=user,
            context={
                "first_name": user.first_name,
                "reason": reason,
                "due_on": timezone.localtime(locked.due_at),
                "received_on": timezone.localtime(locked.received_at),
            },
        )
    return locked


def _report_mail(
    request: ErasureRequest, *, to_address: str, language: str, first_name: str
) -> None:
    mail_enqueue(
        kind=MailKind.ERASURE_REPORT,
        to_address=to_address,
        language=language,
        context={
            "first_name": first_name,
            "report_lines": report_lines(request.report, language=language),
            "completed": request.state == ErasureState.COMPLETED,
        },
        # The address is the last thing the shop holds of them: it goes once delivered.
        forget_when_done=True,
    )
    _event(request, ErasureStep.REPORT_SENT)


def erasure_request_execute(*, request: ErasureRequest, actor: Any | None) -> ErasureRequest:
    """Erase the person's data now and tell them, field by field, what went and what stayed."""
    with transaction.atomic():
        locked = (
            ErasureRequest.objects.select_for_update().select_related("subject").get(pk=request.pk)
        )
        if locked.state != ErasureState.VERIFIED:
            raise ErasureRequestError(
                _("Zbatohet vetëm një kërkesë e konfirmuar nga vetë personi.")
            )
        user = locked.subject
        to_address, language, first_name = user.email, user.language, user.first_name
        result = erase_people(
            [user.pk], cause=ErasureCause.REQUEST, actor=actor, reference=locked.public_id
        )
        _record_outcome(locked, result_report=result.reports.get(user.pk, []), actor=actor)
        _event(locked, ErasureStep.EXECUTED, actor=actor)
        _report_mail(locked, to_address=to_address, language=language, first_name=first_name)
    return locked


def _record_outcome(
    request: ErasureRequest, *, result_report: list[dict[str, Any]], actor: Any | None
) -> None:
    now = timezone.now()
    held = any(row["outcome"] == Outcome.HELD for row in result_report)
    request.report = result_report
    request.state = ErasureState.HELD if held else ErasureState.COMPLETED
    request.executed_at = request.executed_at or now
    request.completed_at = None if held else now
    request.save(update_fields=["report", "state", "executed_at", "completed_at"])


def legal_hold_place(
    *,
    subject: User,
    kind: HoldKind,
    reason: str,
    review_on: date,
    actor: User,
    order: Order | None = None,
    support_case: SupportCase | None = None,
) -> LegalHold:
    """Keep some or all of a person's data from erasure, with a reason and a review date."""
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise ErasureRequestError(_("Shkruani arsyen e bllokimit, të paktën 10 shkronja."))
    if review_on <= timezone.localdate():
        raise ErasureRequestError(_("Data e rishikimit duhet të jetë në të ardhmen."))
    if order is not None and support_case is not None:
        raise ErasureRequestError(_("Një bllokim mbulon ose një porosi, ose një rast, jo të dyja."))
    for target in (order, support_case):
        if target is not None and target.customer_id != subject.pk:
            raise ErasureRequestError(_("Porosia ose rasti nuk i përket këtij klienti."))
    with transaction.atomic():
        hold = LegalHold.objects.create(
            subject=subject,
            kind=kind,
            reason=reason,
            review_on=review_on,
            order=order,
            support_case=support_case,
            placed_by=actor,
            placed_at=timezone.now(),
        )
        for request in _requests_of(subject):
            _event(request, ErasureStep.HOLD_PLACED, actor=actor, detail=hold_reason(hold))
    return hold


def _requests_of(subject: User) -> list[ErasureRequest]:
    return list(
        ErasureRequest.objects.filter(subject=subject).exclude(
            state__in=(ErasureState.COMPLETED, ErasureState.LAPSED)
        )
    )


def legal_hold_lift(*, hold: LegalHold, actor: Any | None) -> LegalHold:
    """End a hold; if the person was already erased, what it kept is erased now."""
    with transaction.atomic():
        locked = LegalHold.objects.select_for_update().select_related("subject").get(pk=hold.pk)
        if locked.lifted_at is not None:
            return locked
        locked.lifted_at = timezone.now()
        locked.lifted_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["lifted_at", "lifted_by"])
        user = locked.subject
        requests = _requests_of(user)
        for request in requests:
            _event(request, ErasureStep.HOLD_LIFTED, actor=actor, detail=hold_reason(locked))
        if not ErasedSubject.objects.filter(user=user).exists():
            return locked
        # A hold over the whole person kept their address: they can still be told.
        still_reachable = not user.email.endswith(f"@{ERASED_MAIL_DOMAIN}")
        to_address, language, first_name = user.email, user.language, user.first_name
        result = erase_people(
            [user.pk], cause=ErasureCause.REQUEST, actor=actor, reference=f"hold:{locked.pk}"
        )
        for request in requests:
            if request.state != ErasureState.HELD:
                continue
            _record_outcome(request, result_report=result.reports.get(user.pk, []), actor=actor)
            _event(request, ErasureStep.HELD_DATA_ERASED, actor=actor)
            if still_reachable:
                _report_mail(
                    request, to_address=to_address, language=language, first_name=first_name
                )
    return locked


def holds_release_ended(*, now: datetime | None = None) -> int:
    """Lift the automatic holds whose order was delivered or cancelled, or whose case closed."""
    ended = (
        LegalHold.objects.filter(automatic=True, lifted_at__isnull=True)
        .exclude(order__status__in=ORDERS_IN_FLIGHT)
        .exclude(support_case__status=CaseStatus.OPEN)
    )
    count = 0
    for hold in ended.select_related("order", "support_case"):
        legal_hold_lift(hold=hold, actor=None)
        count += 1
    return count


# --- Deadlines --------------------------------------------------------------------------


def erasure_reminders_send(*, now: datetime | None = None) -> int:
    """Mail the data-protection officer about open requests due soon or overdue, once each."""
    from staff.services import dpo_recipients

    now = now or timezone.now()
    due_soon = now + timedelta(days=settings.ERASURE_REMINDER_DAYS)
    requests = list(
        ErasureRequest.objects.filter(
            state__in=(ErasureState.AWAITING_CONFIRMATION, ErasureState.VERIFIED),
            due_at__lte=due_soon,
            reminded_at__isnull=True,
        ).order_by("due_at")
    )
    if not requests:
        return 0
    with transaction.atomic():
        rows = [
            {
                "number": request.pk,
                "state": ErasureState(request.state).label,
                "due_on": timezone.localtime(request.due_at),
                "overdue": request.due_at < now,
                "url": f"{settings.SITE_URL}"
                f"{reverse('admin:privacy_erasurerequest_change', args=[request.pk])}",
            }
            for request in requests
        ]
        for to_address, language, recipient in dpo_recipients():
            mail_enqueue(
                kind=MailKind.ERASURE_DUE_REMINDER,
                to_address=to_address,
                language=language,
                recipient=recipient,
                context={"requests": rows},
            )
        ErasureRequest.objects.filter(pk__in=[r.pk for r in requests]).update(reminded_at=now)
        for request in requests:
            _event(request, ErasureStep.REMINDER_SENT)
    return len(requests)


def erasure_requests_lapse(*, now: datetime | None = None) -> int:
    """Close requests whose confirmation link expired unused; the person may ask again."""
    now = now or timezone.now()
    expired = ErasureRequest.objects.filter(
        state=ErasureState.AWAITING_CONFIRMATION,
        confirmation_sent_at__lt=now - timedelta(days=settings.ERASURE_CONFIRMATION_DAYS),
    )
    count = 0
    for request in expired:
        with transaction.atomic():
            updated = ErasureRequest.objects.filter(
                pk=request.pk, state=ErasureState.AWAITING_CONFIRMATION
            ).update(state=ErasureState.LAPSED, confirmation_digest="")
            if updated:
                _event(request, ErasureStep.LAPSED)
                count += updated
    return count


# --- Telling the person -----------------------------------------------------------------


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
        ).select_related("order")
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
