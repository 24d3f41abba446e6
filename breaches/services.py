"""Writes of the breach register (P14): register, find the people, tell the IDP and them.

Every function takes the acting staff member (`actor`, None for the system: the drill
command) and refuses anyone but the data-protection officer. Bad input raises
`BreachInputError` with the officer's message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from breaches.models import AffectedPerson, Breach, BreachStatus, PersonSource
from breaches.notices import breach_notices_schedule
from breaches.selectors import (
    BreachInputError,
    may_handle,
    people_revealed_by,
    people_with_values,
    registry_field,
    window_check,
)
from core.text import letter_count, visible_text
from privacy.registry import Category

INCIDENT_MIN_LETTERS = 15


class BreachRefused(PermissionDenied):
    """Only the data-protection officer keeps the breach register."""


@dataclass(frozen=True)
class BreachDetails:
    """What the officer knows of a breach: what, when, and which data."""

    incident: str
    discovered_at: datetime
    categories: Sequence[str]
    occurred_from: datetime | None = None
    occurred_to: datetime | None = None
    field_names: Sequence[str] = ()


def breach_actor_check(actor: Any | None) -> None:
    """Refuse anyone but the officer; None is the system (the drill command)."""
    if actor is not None and not may_handle(actor):
        raise BreachRefused(
            _("Vetëm zyrtari i mbrojtjes së të dhënave mban regjistrin e cenimeve.")
        )


def breach_details_check(details: BreachDetails, *, now: datetime) -> BreachDetails:
    """Return the details tidied, or refuse them with the first thing wrong."""
    incident = details.incident.strip()
    if letter_count(incident) < INCIDENT_MIN_LETTERS:
        raise BreachInputError(
            _("Përshkruani me fjalë çfarë ndodhi, të paktën 15 shkronja."), code="incident"
        )
    if details.discovered_at > now:
        raise BreachInputError(
            _("Koha e zbulimit nuk mund të jetë në të ardhmen."), code="discovered_in_future"
        )
    window_check(details.occurred_from, details.occurred_to)
    for moment in (details.occurred_from, details.occurred_to):
        if moment is not None and moment > now:
            raise BreachInputError(
                _("Periudha e cenimit nuk mund të jetë në të ardhmen."), code="window_in_future"
            )
    if details.occurred_from is not None and details.occurred_from > details.discovered_at:
        raise BreachInputError(
            _("Cenimi nuk mund të ketë nisur pasi u zbulua."), code="began_after_discovery"
        )
    categories = list(dict.fromkeys(details.categories))
    if not categories:
        raise BreachInputError(
            _("Zgjidhni të paktën një kategori të dhënash të prekura."), code="no_categories"
        )
    unknown = [value for value in categories if value not in Category.values]
    if unknown:
        raise BreachInputError(
            gettext("Kategoria %(name)s nuk është në regjistrin e të dhënave personale.")
            % {"name": unknown[0]},
            code="unknown_category",
        )
    field_names = [registry_field(name).name for name in dict.fromkeys(details.field_names)]
    return BreachDetails(
        incident=incident,
        discovered_at=details.discovered_at,
        categories=categories,
        occurred_from=details.occurred_from,
        occurred_to=details.occurred_to,
        field_names=field_names,
    )


def breach_register(
    *, details: BreachDetails, actor: Any | None, drill: bool = False, now: datetime | None = None
) -> Breach:
    """Register a breach; its 72-hour clock runs from `details.discovered_at`."""
    breach_actor_check(actor)
    now = now or timezone.now()
    details = breach_details_check(details, now=now)
    return Breach.objects.create(
        incident=details.incident,
        discovered_at=details.discovered_at,
        occurred_from=details.occurred_from,
        occurred_to=details.occurred_to,
        categories=list(details.categories),
        field_names=list(details.field_names),
        drill=drill,
        created_at=now,
        created_by=actor,
    )


def breach_details_change(
    *, breach: Breach, details: BreachDetails, actor: Any | None, now: datetime | None = None
) -> Breach:
    """Correct what is known of a breach while it is open."""
    breach_actor_check(actor)
    now = now or timezone.now()
    details = breach_details_check(details, now=now)
    _open_check(breach)
    breach.incident = details.incident
    breach.discovered_at = details.discovered_at
    breach.occurred_from = details.occurred_from
    breach.occurred_to = details.occurred_to
    breach.categories = list(details.categories)
    breach.field_names = list(details.field_names)
    breach.save(
        update_fields=[
            "incident",
            "discovered_at",
            "occurred_from",
            "occurred_to",
            "categories",
            "field_names",
        ]
    )
    return breach


def _open_check(breach: Breach) -> None:
    if breach.status == BreachStatus.CLOSED:
        raise BreachInputError(_("Ky cenim është mbyllur; nuk ndryshohet më."), code="closed")


def breach_idp_check(
    *, discovered_at: datetime, at: datetime | None, reference: str, now: datetime
) -> str:
    """Return the protocol number tidied, or refuse a notification that cannot be."""
    reference = visible_text(reference)
    if at is None:
        raise BreachInputError(_("Shkruani kur u njoftua IDP-ja."), code="idp_when")
    if at > now:
        raise BreachInputError(
            _("Koha e njoftimit të IDP-së nuk mund të jetë në të ardhmen."), code="idp_in_future"
        )
    if at < discovered_at:
        raise BreachInputError(
            _("IDP-ja nuk mund të jetë njoftuar para se të zbulohej cenimi."),
            code="idp_before_discovery",
        )
    if not reference:
        raise BreachInputError(
            _("Shkruani numrin e protokollit që dha IDP-ja."), code="idp_reference"
        )
    return reference[:64]


def breach_idp_notified(
    *,
    breach: Breach,
    at: datetime,
    reference: str,
    actor: Any | None,
    now: datetime | None = None,
) -> Breach:
    """Record when the IDP was told of the breach, and its protocol number: the clock stops."""
    breach_actor_check(actor)
    reference = breach_idp_check(
        discovered_at=breach.discovered_at, at=at, reference=reference, now=now or timezone.now()
    )
    breach.idp_notified_at = at
    breach.idp_reference = reference
    breach.save(update_fields=["idp_notified_at", "idp_reference"])
    return breach


def breach_texts_set(
    *,
    breach: Breach,
    notice_text_sq: str,
    notice_text_en: str,
    lessons_learned: str,
    actor: Any | None,
) -> Breach:
    """Keep the officer's notice (Albanian, optional English) and the lessons learned."""
    breach_actor_check(actor)
    breach.notice_text_sq = notice_text_sq.strip()
    breach.notice_text_en = notice_text_en.strip()
    breach.lessons_learned = lessons_learned.strip()
    breach.save(update_fields=["notice_text_sq", "notice_text_en", "lessons_learned"])
    return breach


def breach_status_change(
    *, breach: Breach, status: BreachStatus, actor: Any | None, now: datetime | None = None
) -> Breach:
    """Move a breach on; closing it needs the lessons learned written down."""
    breach_actor_check(actor)
    if breach.status == BreachStatus.CLOSED and status != BreachStatus.CLOSED:
        raise BreachInputError(_("Një cenim i mbyllur nuk rihapet."), code="closed")
    if (
        status == BreachStatus.CLOSED
        and letter_count(breach.lessons_learned) < INCIDENT_MIN_LETTERS
    ):
        raise BreachInputError(
            _("Shkruani mësimet e nxjerra para se ta mbyllni cenimin."), code="no_lessons"
        )
    breach.status = status
    if status == BreachStatus.CLOSED and breach.closed_at is None:
        breach.closed_at = now or timezone.now()
    breach.save(update_fields=["status", "closed_at"])
    return breach


def breach_people_add(
    *,
    breach: Breach,
    subject_ids: Iterable[int],
    source: PersonSource,
    actor: Any | None,
    now: datetime | None = None,
) -> int:
    """Add these accounts to the breach's people; return how many were new to it."""
    breach_actor_check(actor)
    _open_check(breach)
    now = now or timezone.now()
    wanted = set(subject_ids)
    existing = set(User.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    with transaction.atomic():
        already = set(
            AffectedPerson.objects.filter(breach=breach, subject_id__in=existing).values_list(
                "subject_id", flat=True
            )
        )
        new = sorted(existing - already)
        AffectedPerson.objects.bulk_create(
            [
                AffectedPerson(breach=breach, subject_id=pk, source=source, added_at=now)
                for pk in new
            ],
            ignore_conflicts=True,
        )
    return len(new)


def breach_person_add(
    *, breach: Breach, subject_id: int, actor: Any | None, now: datetime | None = None
) -> int:
    """Add one account by its number, as the officer types it."""
    if not User.objects.filter(pk=subject_id).exists():
        raise BreachInputError(
            gettext("Nuk ka llogari me numrin %(number)s.") % {"number": subject_id},
            code="no_account",
        )
    return breach_people_add(
        breach=breach, subject_ids=[subject_id], source=PersonSource.OFFICER, actor=actor, now=now
    )


def breach_people_from_access_record(
    *,
    breach: Breach,
    staff_account_id: int,
    fields: Sequence[str],
    start: datetime,
    end: datetime,
    actor: Any | None,
    now: datetime | None = None,
) -> int:
    """Add everyone whose `fields` this account saw between start and end; return how many."""
    breach_actor_check(actor)
    found = people_revealed_by(actor_id=staff_account_id, fields=fields, start=start, end=end)
    return breach_people_add(
        breach=breach,
        subject_ids=found,
        source=PersonSource.ACCESS_RECORD,
        actor=actor,
        now=now,
    )


def breach_people_from_values(
    *, breach: Breach, fields: Sequence[str], actor: Any | None, now: datetime | None = None
) -> int:
    """Add everyone with a value in these fields (a leaked table); return how many."""
    breach_actor_check(actor)
    found = people_with_values(fields=fields)
    return breach_people_add(
        breach=breach, subject_ids=found, source=PersonSource.FIELD_VALUES, actor=actor, now=now
    )


def breach_person_remove(*, breach: Breach, subject_id: int, actor: Any | None) -> None:
    """Take an account off the list before its notice is written; a notice sent stays."""
    breach_actor_check(actor)
    _open_check(breach)
    person = AffectedPerson.objects.filter(breach=breach, subject_id=subject_id).first()
    if person is None:
        return
    if person.notice_requested_at is not None:
        raise BreachInputError(
            _("Njoftimi i këtij personi është nisur tashmë; nuk hiqet nga lista."),
            code="notice_sent",
        )
    person.delete()


def breach_notices_request(
    *, breach: Breach, actor: Any | None, now: datetime | None = None
) -> int:
    """Send the officer's notice to everyone on the list not yet sent one; return how many.

    The outbox gets them from a task; each person once, however often this is pressed.
    """
    breach_actor_check(actor)
    now = now or timezone.now()
    if letter_count(breach.notice_text_sq) < INCIDENT_MIN_LETTERS:
        raise BreachInputError(
            _("Shkruani tekstin e njoftimit në shqip para se ta dërgoni."), code="no_text"
        )
    with transaction.atomic():
        locked = Breach.objects.select_for_update().get(pk=breach.pk)
        count = AffectedPerson.objects.filter(
            breach=locked, notice_requested_at__isnull=True
        ).update(notice_requested_at=now)
        if not count:
            raise BreachInputError(
                _("Nuk ka asnjë person të prekur që pret njoftimin."), code="nobody"
            )
        if locked.notices_requested_at is None:
            locked.notices_requested_at = now
            locked.save(update_fields=["notices_requested_at"])
        breach_notices_schedule(breach_id=locked.pk)
    breach.notices_requested_at = locked.notices_requested_at
    return count
