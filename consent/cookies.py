"""Every cookie and browser-storage item the site or an integration may set (P7).

The cookie page renders its table from this list, and a browser test fails when the
shop sets a cookie that is not here or is not in the category it claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONSENT_COOKIE = "fejzo_consent"
RECENTLY_VIEWED_COOKIE = "fejzo_recent"


class CookieCategory(models.TextChoices):
    """What a cookie is for. There is no advertising category: P7 rules it out."""

    NECESSARY = "necessary", _("Të domosdoshme")
    ANALYTICS = "analytics", _("Analitike")
    PERSONALISATION = "personalisation", _("Personalizim")


class Provider(models.TextChoices):
    FEJZO = "3vfejzo", "3VFejzo"
    GOOGLE = "google", "Google"


class Storage(models.TextChoices):
    COOKIE = "cookie", pgettext_lazy("storage", "Cookie")
    LOCAL_STORAGE = "local_storage", pgettext_lazy("storage", "Ruajtje në shfletues")


@dataclass(frozen=True)
class CookieSpec:
    name: str
    provider: Provider
    category: CookieCategory
    purpose: StrOrPromise
    lifetime: StrOrPromise
    storage: Storage = Storage.COOKIE

    # A name ending in "*" covers every cookie that starts with what comes before it.
    @property
    def is_pattern(self) -> bool:
        return self.name.endswith("*")

    def matches(self, cookie_name: str) -> bool:
        if self.is_pattern:
            return cookie_name.startswith(self.name[:-1])
        return cookie_name == self.name


COOKIES: tuple[CookieSpec, ...] = (
    CookieSpec(
        "sessionid",
        Provider.FEJZO,
        CookieCategory.NECESSARY,
        _("Mban hyrjen në llogari dhe shportën e vizitorit."),
        _("2 javë"),
    ),
    CookieSpec(
        "csrftoken",
        Provider.FEJZO,
        CookieCategory.NECESSARY,
        _("Mbron formularët nga dërgimi në emrin tuaj nga faqe të tjera."),
        _("1 vit"),
    ),
    CookieSpec(
        "messages",
        Provider.FEJZO,
        CookieCategory.NECESSARY,
        _('Tregon një herë njoftimin pas një veprimi, p.sh. "Adresa u ruajt".'),
        _("Deri në faqen tjetër"),
    ),
    CookieSpec(
        "fejzo_device",
        Provider.FEJZO,
        CookieCategory.NECESSARY,
        _(
            "Kujton se nga ky shfletues keni hyrë në llogarinë tuaj, që përpjekjet e "
            "dikujt tjetër me adresën tuaj të mos ju vonojnë hyrjen. Nuk mban adresën."
        ),
        _("6 muaj"),
    ),
    CookieSpec(
        CONSENT_COOKIE,
        Provider.FEJZO,
        CookieCategory.NECESSARY,
        _(
            "Mban zgjedhjen tuaj për cookies dhe numrin e rastësishëm që e lidh me "
            "regjistrin e pëlqimeve."
        ),
        _("Sa vlen zgjedhja: 12 muaj, pastaj ju pyesim sërish"),
    ),
    CookieSpec(
        RECENTLY_VIEWED_COOKIE,
        Provider.FEJZO,
        CookieCategory.PERSONALISATION,
        _(
            "Mban kodet e produkteve që keni parë së fundmi, për t'ju treguar \"Të parat "
            'së fundmi" dhe sugjerime. Nuk i dërgohet askujt tjetër.'
        ),
        _("30 ditë"),
    ),
    CookieSpec(
        "_ga",
        Provider.GOOGLE,
        CookieCategory.ANALYTICS,
        _("Google Analytics: dallon vizitat pa ju identifikuar, për statistika të faqes."),
        _("2 vjet"),
    ),
    CookieSpec(
        "_ga_*",
        Provider.GOOGLE,
        CookieCategory.ANALYTICS,
        _("Google Analytics: mban gjendjen e vizitës për statistikat."),
        _("2 vjet"),
    ),
)


def cookie_spec(cookie_name: str) -> CookieSpec | None:
    """Return the registry entry a cookie falls under, exact names before patterns."""
    exact = [spec for spec in COOKIES if not spec.is_pattern and spec.matches(cookie_name)]
    if exact:
        return exact[0]
    return next((spec for spec in COOKIES if spec.matches(cookie_name)), None)
