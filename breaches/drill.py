"""A practice breach, end to end, on whatever data the shop holds (P14): `breach_drill`.

The story: a practice staff account (never able to sign in) "revealed" the phone of a
few customers, and one decoy's street. The drill registers the breach as a drill,
computes its people from the access record, checks they are exactly the ones it
seeded (not the decoy), writes the notices (to the drill address only, marked as a
drill: see `breaches.notices`), records a practice IDP notification and the lessons,
closes the breach, and leaves a report on the breach's page and in a file.

The seeded entries are real entries of the access record, under basis "maintenance",
with a reason that says it was a drill and nothing was shown: the access record is
never written around, and a customer who reads theirs is told the truth.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Address, User
from breaches.clock import Clock, breach_clock, duration_text
from breaches.models import Breach, BreachStatus
from breaches.notices import breach_notices_send
from breaches.selectors import people_with_values
from breaches.services import (
    BreachDetails,
    breach_idp_notified,
    breach_notices_request,
    breach_people_from_access_record,
    breach_register,
    breach_status_change,
    breach_texts_set,
)
from privacy.audit import Access, access_record_many
from privacy.models import AccessAction, AccessBasis, ActorKind
from privacy.registry import Category, qualified

# The practice account: a reserved domain (RFC 2606) no mail reaches; never active.
DRILL_STAFF_EMAIL = "ushtrim.cenimi@drill.invalid"
DRILL_LABEL = "drill"
DRILL_REASON = "Ushtrim për cenim të të dhënave (P14): asnjë e dhënë nuk u shfaq."
PHONE = qualified(User, "phone")
STREET = qualified(Address, "street")

NOTICE_SQ = (
    "Ky është një ushtrim. Në një cenim të vërtetë, këtu do t'ju tregonim çfarë ndodhi "
    "me numrin tuaj të telefonit, çfarë bëmë dhe çfarë mund të bëni ju."
)
NOTICE_EN = (
    "This is a drill. In a real breach we would tell you here what happened to your "
    "phone number, what we did about it and what you can do."
)

T = TypeVar("T")


class DrillImpossible(Exception):
    """There is no data to practise on."""


@dataclass
class DrillReport:
    started_at: datetime
    breach: Breach | None = None
    seeded: set[int] = field(default_factory=set)
    decoys: set[int] = field(default_factory=set)
    computed: set[int] = field(default_factory=set)
    notices: int = 0
    clock: Clock | None = None
    steps: list[tuple[str, float]] = field(default_factory=list)
    path: Path | None = None

    @property
    def people_match(self) -> bool:
        return self.computed == self.seeded

    def text(self) -> str:
        """Return the report as Markdown: what was done, how long each step took, the clock."""
        number = self.breach.pk if self.breach is not None else "—"
        lines = [
            f"# Ushtrim për cenim të të dhënave — cenimi #{number}",
            "",
            f"- Nisur më: {timezone.localtime(self.started_at):%d.%m.%Y %H:%M:%S}",
            f"- Llogaria e stafit për ushtrim: {DRILL_STAFF_EMAIL} (joaktive)",
            f"- Personat e vendosur në regjistrin e qasjeve (telefoni): {_ids(self.seeded)}",
            f"- Mashtrues (adresa, jo telefoni): {_ids(self.decoys)}",
            f"- Personat e gjetur nga regjistri i qasjeve: {_ids(self.computed)}",
            f"- Përputhen saktësisht: {'po' if self.people_match else 'JO'}",
            f"- Njoftime të shkruara në outbox: {self.notices}, "
            f"të gjitha te {settings.FEJZO_BREACH_DRILL_EMAIL}",
        ]
        if self.clock is not None:
            lines.append(f"- Afati 72-orësh: {self.clock.text}")
        lines += ["", "## Hapat", "", "| Hapi | Koha |", "|---|---|"]
        lines += [f"| {name} | {seconds * 1000:.0f} ms |" for name, seconds in self.steps]
        return "\n".join(lines) + "\n"


def _ids(ids: set[int]) -> str:
    return ", ".join(f"#{pk}" for pk in sorted(ids)) or "—"


def _drill_staff() -> User:
    staff = User.objects.with_email(DRILL_STAFF_EMAIL).first()
    if staff is None:
        staff = User.objects.create_user(
            DRILL_STAFF_EMAIL,
            password=None,
            first_name="Ushtrim",
            last_name="Cenimi",
            is_staff=True,
            is_active=False,
        )
    return staff


def drill_candidates(people: int) -> tuple[list[int], list[int]]:
    """Return the customers to seed (with a phone) and one decoy (with a street)."""
    customers = set(
        User.objects.filter(is_staff=False, is_active=True).values_list("pk", flat=True)
    )
    with_phone = sorted(customers & people_with_values(fields=[PHONE]))
    chosen = with_phone[:people]
    decoys = sorted((customers & people_with_values(fields=[STREET])) - set(chosen))[:1]
    return chosen, decoys


def _reveals(staff: User, subjects: list[int], fields: list[str]) -> None:
    access_record_many(
        Access(
            actor=staff,
            actor_kind=ActorKind.STAFF,
            actor_label=DRILL_LABEL,
            subject_id=pk,
            action=AccessAction.REVEAL,
            fields=fields,
            basis=AccessBasis.MAINTENANCE,
            reference="ushtrim",
            reason=DRILL_REASON,
        )
        for pk in subjects
    )


def breach_drill_run(*, people: int, report_dir: Path) -> DrillReport:
    """Run a practice breach end to end; return its report (also written to `report_dir`)."""
    report = DrillReport(started_at=timezone.now())
    chosen, decoys = drill_candidates(people)
    if not chosen:
        raise DrillImpossible(
            "Nuk ka klientë me numër telefoni për ushtrimin: mbushni bazën me `seed_demo`."
        )

    def step(name: str, work: Callable[[], T]) -> T:
        started = time.monotonic()
        result = work()
        report.steps.append((name, time.monotonic() - started))
        return result

    with transaction.atomic():
        staff = step("Llogaria e stafit për ushtrim", _drill_staff)
        start = timezone.now()
        step(
            "Shfaqjet e telefonit në regjistrin e qasjeve", lambda: _reveals(staff, chosen, [PHONE])
        )
        step("Mashtruesi (adresa)", lambda: _reveals(staff, decoys, [STREET]))
        end = timezone.now()
    report.seeded, report.decoys = set(chosen), set(decoys)
    breach = step(
        "Regjistrimi i cenimit",
        lambda: breach_register(
            details=BreachDetails(
                incident=(
                    "USHTRIM: një llogari stafi pa numrat e telefonit të disa klientëve "
                    "pa pasur arsye."
                ),
                discovered_at=end,
                categories=[Category.CONTACT],
                occurred_from=start,
                occurred_to=end,
                field_names=[PHONE],
            ),
            actor=None,
            drill=True,
        ),
    )
    report.breach = breach
    step(
        "Personat nga regjistri i qasjeve",
        lambda: breach_people_from_access_record(
            breach=breach,
            staff_account_id=staff.pk,
            fields=[PHONE],
            start=start,
            end=end,
            actor=None,
        ),
    )
    report.computed = set(breach.people.values_list("subject_id", flat=True))
    breach_texts_set(
        breach=breach,
        notice_text_sq=NOTICE_SQ,
        notice_text_en=NOTICE_EN,
        lessons_learned="",
        actor=None,
    )
    step("Nisja e njoftimeve", lambda: breach_notices_request(breach=breach, actor=None))
    report.notices = step(
        "Shkrimi i njoftimeve në outbox", lambda: breach_notices_send(breach_id=breach.pk)
    )
    step(
        "Njoftimi (për ushtrim) i IDP-së",
        lambda: breach_idp_notified(
            breach=breach,
            at=timezone.now(),
            reference=f"USHTRIM-{breach.pk}",
            actor=None,
        ),
    )
    report.clock = breach_clock(breach)
    took = duration_text(report.clock.took) if report.clock.took is not None else "—"
    breach_texts_set(
        breach=breach,
        notice_text_sq=NOTICE_SQ,
        notice_text_en=NOTICE_EN,
        lessons_learned=(
            f"Ushtrim: personat u gjetën nga regjistri i qasjeve "
            f"({'përputhen' if report.people_match else 'NUK përputhen'} me të pritshmit); "
            f"IDP u njoftua (për ushtrim) {took} pas zbulimit."
        ),
        actor=None,
    )
    step(
        "Mbyllja",
        lambda: breach_status_change(breach=breach, status=BreachStatus.CLOSED, actor=None),
    )
    text = report.text()
    breach.drill_report = text
    breach.save(update_fields=["drill_report"])
    report_dir.mkdir(parents=True, exist_ok=True)
    report.path = report_dir / f"ushtrim-cenimi-{breach.pk}.md"
    report.path.write_text(text, encoding="utf-8")
    return report
