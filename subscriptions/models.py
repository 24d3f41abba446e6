"""Who chose to receive which marketing mail (P8, P13), and who must never get it again."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from core.email import normalise_email
from privacy.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField, EncryptedModel

# Subscriber addresses and suppression entries share one keyed hash, so the send-time
# check is a join on two hashes and no address is ever compared in clear.
ADDRESS_INDEX_PURPOSE = "subscriptions.address"


class Topic(models.TextChoices):
    NEWSLETTER = "newsletter", _("Të rejat")
    OFFERS = "offers", _("Oferta dhe zbritje")
    NOTICES = "notices", _("Njoftime për produkte dhe shërbime")


class Channel(models.TextChoices):
    """Where a subscription change came from; staff channels are the ones P13 names."""

    REGISTRATION = "registration", _("Regjistrimi")
    FOOTER_FORM = "footer_form", _("Formulari në fund të faqes")
    EMAIL_CONFIRMATION = "email_confirmation", _("Lidhja e konfirmimit me email")
    PREFERENCE_PAGE = "preference_page", _("Faqja e preferencave")
    ONE_CLICK = "one_click", _("Çregjistrim me një klikim")
    ACCOUNT = "account", _("Llogaria")
    PHONE = "phone", _("Telefon")
    IN_PERSON = "in_person", _("Në dyqan")
    EMAIL_TO_US = "email_to_us", _("Email drejt info@3vfejzo.al")
    BOUNCE = "bounce", _("Adresa nuk ekziston (bounce)")
    COMPLAINT = "complaint", _("Ankesë për spam")
    SYSTEM = "system", _("Sistemi")


STAFF_CHANNELS = (Channel.PHONE, Channel.IN_PERSON, Channel.EMAIL_TO_US)


class SubscriptionAction(models.TextChoices):
    SUBSCRIBED = "subscribed", _("U regjistrua")
    CONFIRMED = "confirmed", _("Konfirmoi adresën")
    UNSUBSCRIBED = "unsubscribed", _("U çregjistrua")
    SUPPRESSED = "suppressed", _("U shtua në listën e bllokimit")
    UNSUPPRESSED = "unsuppressed", _("U hoq nga lista e bllokimit")


class SuppressionReason(models.TextChoices):
    HARD_BOUNCE = "hard_bounce", _("Adresa u refuzua (5xx)")
    COMPLAINT = "complaint", _("Ankesë për spam")
    UNSUBSCRIBED = "unsubscribed", _("Çregjistrim nga të gjitha")


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class Subscriber(EncryptedModel):
    """One address that may receive marketing mail: a customer's or a visitor's.

    Links carry `public_id`, a random name for the row; never the address or the key.
    """

    public_id = models.CharField(
        _("Kodi i lidhjes"), max_length=32, unique=True, default=new_public_id, editable=False
    )
    email = EncryptedEmailField(_("Email"), max_length=254)
    email_index = BlindIndexField(
        _("Gjurmë kërkimi e email-it"),
        source="email",
        purpose=ADDRESS_INDEX_PURPOSE,
        normalise=normalise_email,
        unique=True,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subscriber",
        verbose_name=_("Llogaria"),
    )
    language = models.CharField(
        _("Gjuha"), max_length=5, choices=Language.choices, default=Language.ALBANIAN
    )
    # Marketing goes only to a confirmed address: a visitor's by the double opt-in link,
    # a customer's when the account's address is verified.
    confirmed_at = models.DateTimeField(_("Konfirmuar më"), null=True, blank=True)
    # The latest double opt-in mail: at most one a day, and the unconfirmed row is kept
    # for the link's full validity counted from it.
    confirmation_sent_at = models.DateTimeField(_("Konfirmimi u dërgua më"), null=True, blank=True)
    created_at = models.DateTimeField(_("Krijuar më"), auto_now_add=True)

    class Meta:
        verbose_name = _("abonent")
        verbose_name_plural = _("abonentët")
        permissions = [("record_optout", _("Mund të regjistrojë një çregjistrim të thënë stafit"))]
        indexes = [
            models.Index(fields=["confirmed_at", "created_at"], name="subscriber_unconfirmed")
        ]

    def __str__(self) -> str:
        return _("Abonenti #%(id)s") % {"id": self.pk}


class Subscription(models.Model):
    """Whether one subscriber receives one topic; the history is in SubscriptionEvent."""

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("Abonenti"),
    )
    topic = models.CharField(_("Tema"), max_length=16, choices=Topic.choices)
    active = models.BooleanField(_("Aktiv"), default=True)
    changed_at = models.DateTimeField(_("Ndryshuar më"), auto_now=True)

    class Meta:
        verbose_name = _("abonim")
        verbose_name_plural = _("abonimet")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "topic"], name="one_subscription_per_topic"
            )
        ]
        indexes = [models.Index(fields=["topic", "active"], name="subscription_audience")]

    def __str__(self) -> str:
        return f"{self.subscriber_id}:{self.topic}"


class SubscriptionEvent(EncryptedModel):
    """Every subscribe, confirm, unsubscribe and suppression: by whom, through which channel."""

    subscriber = models.ForeignKey(
        Subscriber,
        null=True,
        on_delete=models.SET_NULL,
        related_name="events",
        verbose_name=_("Abonenti"),
    )
    # Blank when the change concerns every topic (unsubscribe from all, suppression).
    topic = models.CharField(_("Tema"), max_length=16, choices=Topic.choices, blank=True)
    action = models.CharField(_("Veprimi"), max_length=16, choices=SubscriptionAction.choices)
    channel = models.CharField(_("Kanali"), max_length=20, choices=Channel.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Kush"),
    )
    # Copied, so the history still says who acted after the account is gone.
    actor_label = models.CharField(_("Kush (emërtimi)"), max_length=80, blank=True)
    # What the person said, when staff took the opt-out: may name them, so sealed.
    note = EncryptedCharField(_("Shënim"), blank=True)
    campaign_id = models.BigIntegerField(_("Fushata"), null=True, blank=True)
    at = models.DateTimeField(_("Koha"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("ndryshim abonimi")
        verbose_name_plural = _("historiku i abonimeve")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.topic or '*'} {self.at:%Y-%m-%d %H:%M}"


class Suppression(models.Model):
    """An address that is never mailed marketing again: kept as a keyed hash only."""

    address_index = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("Arsyeja"), max_length=16, choices=SuppressionReason.choices)
    created_at = models.DateTimeField(_("Krijuar më"), auto_now_add=True)

    class Meta:
        verbose_name = _("adresë e bllokuar")
        verbose_name_plural = _("lista e bllokimit")

    def __str__(self) -> str:
        return _("Bllokim #%(id)s") % {"id": self.pk}
