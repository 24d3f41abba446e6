"""The data-protection officer's decision on a legal request (P11)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.text import letter_count, visible_text
from legal.models import LegalRequest, NoticeWithheld, RequestOutcome
from legal.services.errors import LegalRequestError, check_legal_officer
from privacy.registry import Category

MIN_REASON_LETTERS = 10


def _partial_scope(
    request: LegalRequest,
    categories: Sequence[Category],
    start: date | None,
    end: date | None,
) -> tuple[list[str], date, date]:
    asked = set(request.categories)
    chosen = [Category(category).value for category in categories]
    if not chosen:
        raise LegalRequestError(_("Zgjidhni të paktën një kategori që jepet."))
    if not set(chosen) <= asked:
        raise LegalRequestError(_("Mund të miratoni vetëm kategori që kërkesa i kërkon."))
    start = start or request.period_start
    end = end or request.period_end
    if end < start:
        raise LegalRequestError(
            _("Periudha është së prapthi: data „nga” duhet të jetë para datës „deri”.")
        )
    if start < request.period_start or end > request.period_end:
        raise LegalRequestError(
            _("Periudha e miratuar duhet të jetë brenda periudhës që kërkohet.")
        )
    narrower = set(chosen) != asked or start != request.period_start or end != request.period_end
    if not narrower:
        raise LegalRequestError(
            _(
                "Miratimi i pjesshëm jep më pak se sa kërkohet: më pak kategori ose një "
                "periudhë më të shkurtër. Përndryshe zgjidhni „Miratuar”."
            )
        )
    return [category for category in Category.values if category in chosen], start, end


def _notice(
    withheld: NoticeWithheld | None, note: str, until: date | None, *, today: date
) -> tuple[str, str, date | None]:
    if withheld is None:
        if until is not None:
            raise LegalRequestError(
                _("Zgjidhni pse nuk njoftohet personi: ndalim me ligj apo urdhër gjykate.")
            )
        return "", "", None
    if until is None:
        raise LegalRequestError(
            _("Shkruani deri kur ndalohet njoftimi: atë ditë personi njoftohet vetë.")
        )
    if until <= today:
        raise LegalRequestError(_("Data deri kur ndalohet njoftimi duhet të jetë në të ardhmen."))
    return NoticeWithheld(withheld).value, visible_text(note), until


def legal_request_decide(
    *,
    request: LegalRequest,
    outcome: RequestOutcome,
    reason: str,
    actor: User,
    categories: Sequence[Category] = (),
    period_start: date | None = None,
    period_end: date | None = None,
    notice_withheld: NoticeWithheld | None = None,
    notice_withheld_note: str = "",
    notice_withheld_until: date | None = None,
    now: datetime | None = None,
) -> LegalRequest:
    """Approve, approve in part (fewer categories or a shorter period), or refuse, with a reason.

    The person is told of a disclosure when it is made, unless the officer records why
    not (the law or a court order forbids it) and until when: on that day the daily job
    tells them. A request is decided once.
    """
    check_legal_officer(actor)
    now = now or timezone.now()
    reason = visible_text(reason)
    if letter_count(reason) < MIN_REASON_LETTERS:
        raise LegalRequestError(_("Shkruani arsyen e vendimit, të paktën 10 shkronja."))
    outcome = RequestOutcome(outcome)
    if outcome == RequestOutcome.PENDING:
        raise LegalRequestError(_("Zgjidhni vendimin: miratuar, miratuar pjesërisht ose refuzuar."))
    approved: list[str] = []
    start: date | None = None
    end: date | None = None
    # A refusal gives nothing, so there is nothing to tell the person of.
    withheld, note, until = "", "", None
    if outcome == RequestOutcome.APPROVED:
        approved, start, end = list(request.categories), request.period_start, request.period_end
    elif outcome == RequestOutcome.PARTLY_APPROVED:
        approved, start, end = _partial_scope(request, categories, period_start, period_end)
    if outcome != RequestOutcome.REFUSED:
        withheld, note, until = _notice(
            notice_withheld,
            notice_withheld_note,
            notice_withheld_until,
            today=timezone.localdate(now),
        )
    with transaction.atomic():
        locked = LegalRequest.objects.select_for_update().get(pk=request.pk)
        if not locked.is_pending:
            raise LegalRequestError(_("Për këtë kërkesë është vendosur tashmë."))
        locked.outcome = outcome
        locked.decision_reason = reason
        locked.approved_categories = approved
        locked.approved_start, locked.approved_end = start, end
        locked.notice_withheld = withheld
        locked.notice_withheld_note = note
        locked.notice_withheld_until = until
        locked.decided_at = now
        locked.decided_by = actor
        locked.save()
    return locked
