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
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import login_disable
from core.text import letter_count, visible_text
from mail.models import MailKind
from mail.services import mail_enqueue
from privacy.audit import actor_label
from rights.erasure.engine import (
    ErasureCause,
    Outcome,
    erase_people,
)
from rights.erasure.report import report_lines
from rights.models import (
    ErasedSubject,
    ErasureEvent,
    ErasureRequest,
    ErasureState,
    ErasureStep,
    HoldKind,
    LegalHold,
    RequestChannel,
)
from staff.services import dpo_notify


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


def erasure_event_record(
    request: ErasureRequest, step: ErasureStep, *, actor: Any | None = None, detail: str = ""
) -> None:
    ErasureEvent.objects.create(
        request=request,
        step=step,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        detail=detail,
    )


def confirmation_url(token: str, *, language: str) -> str:
    with translation.override(language):
        path = reverse("rights:erasure_confirm", kwargs={"token": token})
    return f"{settings.SITE_URL}{path}"


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
    erasure_event_record(request, ErasureStep.CONFIRMATION_SENT, actor=actor)


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
        erasure_event_record(request, ErasureStep.RECEIVED, actor=actor, detail=channel)
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
    if not subject.email_verified:
        # A link to an address never proven proves nothing about who asked.
        raise ErasureRequestError(
            _(
                "Adresa e kësaj llogarie nuk është verifikuar, kështu që një lidhje atje nuk "
                "vërteton identitetin. Kërkojini klientit të vijë në dyqan me dokument, ose "
                "të kërkojë fshirjen nga llogaria."
            )
        )
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


def _locked_request(request_id: int) -> ErasureRequest | None:
    """Lock the request's account, then the request: the order every writer about a
    person takes (erasure, orders, holds), so two of them never wait on each other."""
    subject_id = (
        ErasureRequest.objects.filter(pk=request_id).values_list("subject_id", flat=True).first()
    )
    if subject_id is None:
        return None
    User.objects.select_for_update().filter(pk=subject_id).first()
    return (
        ErasureRequest.objects.select_for_update().select_related("subject").filter(pk=request_id)
    ).first()


def erasure_request_confirm(*, token: str) -> ErasureRequest:
    """Confirm a request from the link in the mail: the login is disabled from now on."""
    with transaction.atomic():
        found = erasure_request_for_token(token)
        request = _locked_request(found.pk) if found else None
        # Checked again on the locked row: a newer link may have replaced this one.
        if (
            request is None
            or request.state != ErasureState.AWAITING_CONFIRMATION
            or request.confirmation_digest != _digest(token)
        ):
            raise ErasureRequestError(
                _("Lidhja nuk vlen më. Kërkoni fshirjen sërish nga llogaria ose na shkruani.")
            )
        request.state = ErasureState.VERIFIED
        request.verified_at = timezone.now()
        request.confirmation_digest = ""
        request.save(update_fields=["state", "verified_at", "confirmation_digest"])
        erasure_event_record(request, ErasureStep.VERIFIED)
        login_disable(user_ids=[request.subject_id])
        erasure_event_record(request, ErasureStep.LOGIN_DISABLED)
    return request


# --- Handling: extension, execution, holds ----------------------------------------------


def erasure_request_extend(*, request: ErasureRequest, reason: str, actor: User) -> ErasureRequest:
    """Extend the due date once, by the months the law allows, and tell the person why."""
    reason = visible_text(reason)
    if letter_count(reason) < 15:
        raise ErasureRequestError(_("Shkruani arsyen e zgjatjes, të paktën 15 shkronja."))
    with transaction.atomic():
        locked = _locked_request(request.pk)
        if locked is None:
            raise ErasureRequest.DoesNotExist
        if not locked.may_be_extended:
            raise ErasureRequestError(_("Afati i kësaj kërkese mund të zgjatet vetëm një herë."))
        locked.due_at = add_months(locked.due_at, settings.ERASURE_EXTENSION_MONTHS)
        locked.extended_at = timezone.now()
        locked.extension_reason = reason
        locked.reminded_at = None
        locked.save(update_fields=["due_at", "extended_at", "extension_reason", "reminded_at"])
        erasure_event_record(locked, ErasureStep.EXTENDED, actor=actor, detail=reason)
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


def erasure_report_send(
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
    erasure_event_record(request, ErasureStep.REPORT_SENT)


def erasure_request_execute(*, request: ErasureRequest, actor: Any | None) -> ErasureRequest:
    """Erase the person's data now and tell them, field by field, what went and what stayed."""
    with transaction.atomic():
        locked = _locked_request(request.pk)
        if locked is None:
            raise ErasureRequest.DoesNotExist
        if locked.state != ErasureState.VERIFIED:
            raise ErasureRequestError(
                _("Zbatohet vetëm një kërkesë e konfirmuar nga vetë personi.")
            )
        user = locked.subject
        to_address, language, first_name = user.email, user.language, user.first_name
        result = erase_people(
            [user.pk], cause=ErasureCause.REQUEST, actor=actor, reference=locked.public_id
        )
        erasure_outcome_record(locked, result_report=result.reports.get(user.pk, []))
        erasure_event_record(locked, ErasureStep.EXECUTED, actor=actor)
        erasure_report_send(locked, to_address=to_address, language=language, first_name=first_name)
    return locked


def erasure_outcome_record(request: ErasureRequest, *, result_report: list[dict[str, Any]]) -> None:
    """Record what a pass did; a later pass (a hold lifted) adds to what the first did.

    A field the later pass saw replaces its earlier lines; a field it did not see
    (its rows were deleted the first time) keeps them.
    """
    now = timezone.now()
    seen = {row["field"] for row in result_report}
    report = [row for row in request.report or [] if row["field"] not in seen] + result_report
    report.sort(key=lambda row: (row["field"], row["outcome"], row.get("hold") or 0))
    held = any(row["outcome"] == Outcome.HELD for row in report)
    request.report = report
    request.state = ErasureState.HELD if held else ErasureState.COMPLETED
    request.executed_at = request.executed_at or now
    request.completed_at = None if held else now
    request.save(update_fields=["report", "state", "executed_at", "completed_at"])


# --- Deadlines --------------------------------------------------------------------------


def _admin_url(name: str, pk: int) -> str:
    return f"{settings.SITE_URL}{reverse(f'admin:rights_{name}_change', args=[pk])}"


def erasure_reminders_send(*, now: datetime | None = None) -> int:
    """Mail the data-protection officer, once each, about open requests due soon or late,
    and legal holds whose review date has come. Return how many were in the mail.

    The rows are locked as they are picked (skipping any another run holds), so two
    runs at once never remind of the same request twice.
    """

    now = now or timezone.now()
    today = timezone.localdate(now)
    due_soon = now + timedelta(days=settings.ERASURE_REMINDER_DAYS)
    with transaction.atomic():
        requests = list(
            ErasureRequest.objects.select_for_update(skip_locked=True)
            .filter(
                state__in=(ErasureState.AWAITING_CONFIRMATION, ErasureState.VERIFIED),
                due_at__lte=due_soon,
                reminded_at__isnull=True,
            )
            .order_by("due_at")
        )
        holds = list(
            LegalHold.objects.select_for_update(skip_locked=True)
            .filter(lifted_at__isnull=True, review_on__lte=today, review_reminded_on__isnull=True)
            .order_by("review_on")
        )
        if not requests and not holds:
            return 0
        context = {
            "requests": [
                {
                    "number": request.pk,
                    "state": ErasureState(request.state).label,
                    "due_on": timezone.localtime(request.due_at),
                    "overdue": request.due_at < now,
                    "url": _admin_url("erasurerequest", request.pk),
                }
                for request in requests
            ],
            "holds": [
                {
                    "number": hold.pk,
                    "kind": HoldKind(hold.kind).label,
                    "review_on": hold.review_on,
                    "url": _admin_url("legalhold", hold.pk),
                }
                for hold in holds
            ],
        }
        dpo_notify(kind=MailKind.ERASURE_DUE_REMINDER, context=context)
        ErasureRequest.objects.filter(pk__in=[r.pk for r in requests]).update(reminded_at=now)
        LegalHold.objects.filter(pk__in=[h.pk for h in holds]).update(review_reminded_on=today)
        for request in requests:
            erasure_event_record(request, ErasureStep.REMINDER_SENT)
    return len(requests) + len(holds)


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
                erasure_event_record(request, ErasureStep.LAPSED)
                count += updated
    return count
