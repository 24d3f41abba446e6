"""Marketing campaigns and the per-recipient delivery state that sends each one once (P8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.links import campaign_links_check
from catalog.models import Product
from subscriptions.models import Subscriber, Topic


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("E planifikuar")
    SENDING = "sending", _("Po dërgohet")
    SENT = "sent", _("Dërguar")
    CANCELLED = "cancelled", _("Anuluar")


class CampaignKind(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    # Mail every customer must get whatever their marketing choices: a material change
    # of the policy or the terms (P2). Only a hard bounce stops it.
    SERVICE_NOTICE = "service_notice", _("Njoftim shërbimi")


class Campaign(models.Model):
    """A marketing mail to one topic's subscribers, written in Albanian (English optional).

    A service notice goes instead to every customer's account, opted out or not.
    """

    kind = models.CharField(
        _("Lloji"), max_length=16, choices=CampaignKind.choices, default=CampaignKind.MARKETING
    )
    topic = models.CharField(_("Tema"), max_length=16, choices=Topic.choices)
    name = models.CharField(_("Emri i brendshëm"), max_length=120)
    subject_sq = models.CharField(_("Subjekti (shqip)"), max_length=150)
    body_sq = models.TextField(_("Teksti (shqip, Markdown)"))
    subject_en = models.CharField(_("Subjekti (anglisht)"), max_length=150, blank=True)
    body_en = models.TextField(_("Teksti (anglisht, Markdown)"), blank=True)
    products = models.ManyToManyField(
        Product, blank=True, related_name="+", verbose_name=_("Kartat e produkteve")
    )
    status = models.CharField(
        _("Gjendja"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    scheduled_for = models.DateTimeField(_("Planifikuar për"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Krijuar nga"),
    )
    created_at = models.DateTimeField(_("Krijuar më"), auto_now_add=True)
    started_at = models.DateTimeField(_("Nisi më"), null=True, blank=True)
    finished_at = models.DateTimeField(_("Përfundoi më"), null=True, blank=True)
    # When a recovery pass is already queued for claims left by a dead worker.
    recovery_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("fushatë")
        verbose_name_plural = _("fushatat")
        ordering = ["-created_at"]
        permissions = [("send_campaign", _("Mund të dërgojë ose planifikojë një fushatë"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a recipient's own link anywhere but a whole link target (campaigns.links)."""
        super().clean()
        campaign_links_check(self)


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Në radhë")
    CLAIMED = "claimed", _("Në dërgim")
    SENT = "sent", _("Dërguar")
    FAILED = "failed", _("Dështoi")
    SKIPPED = "skipped", _("Nuk u dërgua (çregjistruar ose bllokuar)")


class Delivery(models.Model):
    """One (campaign, recipient): the row whose state keeps each message to one delivery.

    The recipient is a subscriber for marketing, an account for a service notice.

    `claimed` rows belong to `owner` until `lease_until`; a row becomes `sent` in the
    transaction that commits just before the message's last byte goes to the SMTP
    server, and only while the subscriber still wants the topic and is not suppressed.
    """

    id = models.BigAutoField(primary_key=True)
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("Fushata"),
    )
    subscriber = models.ForeignKey(
        Subscriber,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Abonenti"),
    )
    # A service notice's recipient: the customer's account, not a marketing subscriber.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Llogaria"),
    )
    state = models.CharField(
        _("Gjendja"), max_length=8, choices=DeliveryState.choices, default=DeliveryState.QUEUED
    )
    owner = models.CharField(_("Procesi dërgues"), max_length=32, blank=True)
    lease_until = models.DateTimeField(_("Në dërgim deri më"), null=True)
    # Tries that reached the mail server or ended with the worker's death; a temporary
    # refusal waits until `retry_at` (exponential back-off).
    attempts = models.PositiveSmallIntegerField(_("Përpjekje"), default=0)
    retry_at = models.DateTimeField(_("Provohet sërish më"), null=True)
    sent_at = models.DateTimeField(_("Dërguar më"), null=True)
    error = models.CharField(_("Gabimi"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("dërgesë")
        verbose_name_plural = _("dërgesat")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "subscriber"], name="one_delivery_per_recipient"
            ),
            models.UniqueConstraint(fields=["campaign", "user"], name="one_delivery_per_account"),
        ]
        indexes = [models.Index(fields=["campaign", "state"], name="delivery_campaign_state")]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.subscriber_id}:{self.state}"
