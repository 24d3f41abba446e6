"""Legal holds (P12): data kept from erasure for a reason until a review date, then erased."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.clauses import enforces
from core.text import letter_count, visible_text
from legal.models import LegalRequest
from orders.models import Order
from privacy.erasure_steps import OPEN_WORK
from rights.erasure.engine import ERASED_MAIL_DOMAIN, ErasureCause, erase_people
from rights.erasure.report import hold_reference
from rights.models import (
    ErasedSubject,
    ErasureRequest,
    ErasureState,
    ErasureStep,
    HoldKind,
    HoldScope,
    LegalHold,
)
from rights.requests.services import (
    ErasureRequestError,
    erasure_event_record,
    erasure_outcome_record,
    erasure_report_send,
)
from support.models import SupportCase


@enforces("P11", "an authority's request holds the person's data from erasure")
def legal_hold_place(
    *,
    subject: User,
    kind: HoldKind,
    reason: str,
    review_on: date,
    actor: User,
    order: Order | None = None,
    support_case: SupportCase | None = None,
    legal_request: LegalRequest | None = None,
) -> LegalHold:
    """Keep some or all of a person's data from erasure, with a reason and a review date.

    A hold for an authority's request may point at it in the legal register (P11).
    """
    reason = visible_text(reason)
    if letter_count(reason) < 10:
        raise ErasureRequestError(_("Shkruani arsyen e bllokimit, të paktën 10 shkronja."))
    if review_on <= timezone.localdate():
        raise ErasureRequestError(_("Data e rishikimit duhet të jetë në të ardhmen."))
    if order is not None and support_case is not None:
        raise ErasureRequestError(_("Një bllokim mbulon ose një porosi, ose një rast, jo të dyja."))
    for target in (order, support_case):
        if target is not None and target.customer_id != subject.pk:
            raise ErasureRequestError(_("Porosia ose rasti nuk i përket këtij klienti."))
    if legal_request is not None and not legal_request.people.filter(person=subject).exists():
        raise ErasureRequestError(_("Kërkesa ligjore nuk përmend këtë klient."))
    with transaction.atomic():
        scope, reference = HoldScope.PERSON, ""
        if order is not None:
            scope, reference = HoldScope.ORDER, order.number
        elif support_case is not None:
            scope, reference = HoldScope.SUPPORT_CASE, f"#{support_case.pk}"
        hold = LegalHold.objects.create(
            subject=subject,
            kind=kind,
            reason=reason,
            review_on=review_on,
            order=order,
            support_case=support_case,
            legal_request=legal_request,
            scope=scope,
            reference=reference,
            placed_by=actor,
            placed_at=timezone.now(),
        )
        for request in _requests_of(subject):
            erasure_event_record(
                request, ErasureStep.HOLD_PLACED, actor=actor, detail=hold_reference(hold)
            )
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
        # The account first, then the hold: the order every writer about a person takes.
        User.objects.select_for_update().filter(pk=hold.subject_id).first()
        locked = LegalHold.objects.select_for_update().select_related("subject").get(pk=hold.pk)
        if locked.lifted_at is not None:
            return locked
        locked.lifted_at = timezone.now()
        locked.lifted_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["lifted_at", "lifted_by"])
        user = locked.subject
        requests = _requests_of(user)
        for request in requests:
            erasure_event_record(
                request, ErasureStep.HOLD_LIFTED, actor=actor, detail=hold_reference(locked)
            )
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
            erasure_outcome_record(request, result_report=result.reports.get(user.pk, []))
            erasure_event_record(request, ErasureStep.HELD_DATA_ERASED, actor=actor)
            if still_reachable:
                erasure_report_send(
                    request, to_address=to_address, language=language, first_name=first_name
                )
    return locked


def holds_release_ended() -> int:
    """Lift the automatic holds whose work ended (the open work apps registered: an order
    delivered or cancelled, a case closed)."""
    ended = LegalHold.objects.filter(automatic=True, lifted_at__isnull=True)
    for work in OPEN_WORK:
        still_open = work.model._default_manager.filter(work.open).values("pk")
        ended = ended.exclude(**{f"{work.hold_field}__in": still_open})
    count = 0
    for hold in ended:
        legal_hold_lift(hold=hold, actor=None)
        count += 1
    return count
