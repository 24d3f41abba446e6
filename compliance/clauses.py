"""The policy's clauses, P1 to P16, and the words of P4 that name each purpose.

The ids are the ones code, tests and tags use (`test_p13_...`, `@enforces("P13", ...)`);
the headings are the policy's own, in Albanian, as published (docs/policy-clauses.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from privacy.registry import Purpose


@dataclass(frozen=True)
class Clause:
    id: str
    # The policy's heading, as the company wrote it.
    heading: str
    # What the platform does to keep it, in a few words; lazy, translated.
    promise: Any

    @property
    def number(self) -> int:
        return int(self.id[1:])


CLAUSES: tuple[Clause, ...] = (
    Clause(
        "P1",
        "Politikat e Privatësisë",
        _("Politika dhe kushtet publikohen bashkë; regjistrimi ruan versionin e pranuar."),
    ),
    Clause(
        "P2",
        "Ndryshimet në Politikat e Privatësisë",
        _("Versione me datë, arkiv, krahasim, njoftim dhe pranim i regjistruar."),
    ),
    Clause(
        "P3",
        "Cilat të dhëna personale mbledhim?",
        _("Vetëm kategoritë e politikës, të deklaruara në një regjistër; porosia kërkon llogari."),
    ),
    Clause(
        "P4",
        "Përdorimi i të dhënave personale që mbledhim",
        _("Çdo përpunim ka një qëllim nga lista e politikës."),
    ),
    Clause(
        "P5",
        "Përdorimi i të dhënave personale që mbledhim",
        _("Stafi sheh të dhëna vetëm me një qëllim të gjallë; çdo qasje regjistrohet."),
    ),
    Clause(
        "P6",
        "Përdorimi i të dhënave personale që mbledhim",
        _("Enkriptim në ruajtje, HTTPS, cookies të sigurta, HSTS."),
    ),
    Clause(
        "P7",
        "Cookies dhe JavaScript",
        _("Analitika dhe personalizimi vetëm pas pëlqimit; asgjë personale te palët e treta."),
    ),
    Clause(
        "P8",
        "Komunikim nëpërmjet email-it",
        _("Email-et e shërbimit gjithmonë; marketingu vetëm për të abonuarit."),
    ),
    Clause(
        "P9",
        "Komunikim nëpërmjet email-it",
        _("Një rast mbështetjeje e sheh vetëm kush e trajton, dhe vetëm për të."),
    ),
    Clause(
        "P10",
        "Palët e treta",
        _("Kontraktorët: marrëveshje, fusha të lejuara, vetëm punët e tyre, të regjistruara."),
    ),
    Clause(
        "P11",
        "Klauzola ligjore",
        _("Regjistër i kërkesave ligjore, miratim, zbulim i kufizuar, njoftim i personit."),
    ),
    Clause(
        "P12",
        "Përditësimet e informacionit tuaj",
        _("Korrigjim, shkarkim dhe fshirje me afat; ruhet vetëm ajo që kërkon ligji."),
    ),
    Clause(
        "P13",
        "Mosmarrja e njoftimeve",
        _("Çregjistrim pa hyrë në llogari, edhe me telefon; zbatohet menjëherë."),
    ),
    Clause(
        "P14",
        "Siguria",
        _("Trajnim i stafit, dy faktorë, bllokim i përpjekjeve, regjistër i shkeljeve."),
    ),
    Clause(
        "P15",
        "Si të na kontaktoni",
        _("info@3vfejzo.al në çdo faqe dhe çdo email; kërkesat atje regjistrohen."),
    ),
    Clause(
        "P16",
        "Data e përditësimit",
        _("Versioni i publikuar tregon datën e vet."),
    ),
)

CLAUSE_IDS = tuple(clause.id for clause in CLAUSES)

# The words of clause P4 that name each purpose, exactly as the published policy has
# them (policy/texts/privacy-v1.sq.txt). A purpose without its words is not one of P4's.
P4_WORDS: dict[Purpose, str] = {
    Purpose.INFORMATION: "për t’ju siguruar informacione",
    Purpose.PRODUCTS_AND_SERVICES: "produkte dhe shërbime që kërkoni",
    Purpose.REGISTRATION: "për të regjistruar përdoruesit",
    Purpose.COMMUNICATION: "për të komunikuar me ju",
    Purpose.OFFERS: "për t’ju ofruar ju shërbime, oferta dhe përditësime të tjera",
}
