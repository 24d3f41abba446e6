from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from privacy.fields import EncryptedCharField, EncryptedModel


class CaseChannel(models.TextChoices):
    PHONE = "phone", _("Telefon")
    EMAIL = "email", _("Email te info@3vfejzo.al")
    IN_PERSON = "in_person", _("Në dyqan")
    WEBSITE = "website", _("Faqja")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("I hapur")
    CLOSED = "closed", _("I mbyllur")


class SupportCase(EncryptedModel):
    """A question or request a customer brought to the company (P9).

    What the customer said is used only to handle the case, seen only by who handles it.
    """

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_cases",
        verbose_name=_("Klienti"),
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="support_cases",
        verbose_name=_("Porosia"),
    )
    channel = models.CharField(_("Kanali"), max_length=16, choices=CaseChannel.choices)
    summary = EncryptedCharField(_("Përmbledhja"), max_length=200)
    customer_message = EncryptedCharField(_("Çfarë tha klienti"), blank=True)
    status = models.CharField(
        _("Statusi"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    # Unassigned open cases wait in the customer-care queue.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        limit_choices_to={"is_staff": True},
        verbose_name=_("Në ngarkim të"),
    )
    # Who opened the case and who assigned it: a purpose one makes for oneself opens
    # the customer's data only on a typed reason (P5).
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Hapur nga"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Caktuar nga"),
    )
    taken_from_queue = models.BooleanField(_("Marrë nga radha"), default=False)
    opened_at = models.DateTimeField(_("Hapur më"))
    closed_at = models.DateTimeField(_("Mbyllur më"), null=True, blank=True)

    class Meta:
        verbose_name = _("rast mbështetjeje")
        verbose_name_plural = _("rastet e mbështetjes")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["customer", "status"])]

    def __str__(self) -> str:
        return f"#{self.pk}"
