from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.email import normalise_email
from privacy.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedModel,
)


class MailKind(models.TextChoices):
    WELCOME = "welcome", _("Mirëseardhje")
    EMAIL_VERIFICATION = "email_verification", _("Verifikim i email-it")
    PASSWORD_RESET = "password_reset", _("Rivendosje e fjalëkalimit")
    ORDER_CONFIRMATION = "order_confirmation", _("Konfirmim porosie")
    ORDER_STATUS = "order_status", _("Ndryshim statusi i porosisë")
    BREAK_GLASS = "break_glass", _("Njoftim për hapje të jashtëzakonshme")
    SUBSCRIPTION_CONFIRM = "subscription_confirm", _("Konfirmim abonimi")
    EMAIL_CHANGE_CONFIRM = "email_change_confirm", _("Konfirmim i adresës së re")
    EMAIL_CHANGE_NOTICE = "email_change_notice", _("Njoftim për ndryshimin e adresës")
    DATA_EXPORT_READY = "data_export_ready", _("Të dhënat për shkarkim janë gati")
    DATA_EXPORT_FAILED = "data_export_failed", _("Të dhënat për shkarkim nuk u përgatitën")
    ERASURE_CONFIRM = "erasure_confirm", _("Konfirmim i kërkesës për fshirje")
    ERASURE_EXTENDED = "erasure_extended", _("Zgjatje e afatit të kërkesës për fshirje")
    ERASURE_REPORT = "erasure_report", _("Çfarë u fshi dhe çfarë u mbajt")
    ERASURE_DUE_REMINDER = "erasure_due_reminder", _("Kujtesë për afatin e një kërkese")
    INACTIVITY_WARNING = "inactivity_warning", _("Paralajmërim për llogari joaktive")
    OWN_PURPOSE_DIGEST = "own_purpose_digest", _("Përmbledhje e qëllimeve të krijuara nga stafi")
    ACCOUNT_POWERS_CHANGED = "account_powers", _("Njoftim për ndryshim rolesh")
    REGISTRATION_ATTEMPT = (
        "registration_attempt",
        _("Përpjekje regjistrimi me një adresë ekzistuese"),
    )
    PASSWORD_CHANGED = "password_changed", _("Njoftim për ndryshimin e fjalëkalimit")
    AGREEMENT_ENDING = (
        "agreement_ending",
        _("Kujtesë: marrëveshja me një kontraktor po mbaron"),
    )
    SUPPORT_REPLY = "support_reply", _("Përgjigje në një kërkesë për ndihmë")
    LEGAL_DISCLOSURE_NOTICE = (
        "legal_disclosure_notice",
        _("Njoftim se të dhënat iu dhanë një autoriteti"),
    )
    BREACH_NOTICE = "breach_notice", _("Njoftim për një cenim të të dhënave")
    BREACH_CLOCK = "breach_clock", _("Kujtesë: afati 72-orësh i njoftimit të IDP-së")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Në pritje")
    SENDING = "sending", _("Po dërgohet")
    SENT = "sent", _("Dërguar")
    FAILED = "failed", _("Dështoi")


class OutboxMessage(EncryptedModel):
    """A message written in the same transaction as the action that causes it.

    A background task delivers it; the row's status is what guarantees a message
    is delivered at most once, however many workers or retries run.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("Lloji"), max_length=32, choices=MailKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbox_messages",
        verbose_name=_("Marrësi"),
    )
    to_address = EncryptedEmailField(_("Adresa e marrësit"), max_length=254)
    # Finds the mail written to an address that has no account (or not yet): erasing a
    # person deletes their mail by address as well as by account.
    to_address_index = BlindIndexField(
        _("Gjurmë kërkimi e adresës"),
        source="to_address",
        purpose="mail.OutboxMessage.to_address",
        normalise=normalise_email,
        db_index=True,
        blank=True,
    )
    subject = EncryptedCharField(_("Subjekti"), max_length=250)
    body_text = EncryptedCharField(_("Teksti i mesazhit"))
    body_html = EncryptedCharField(_("Mesazhi në HTML"), blank=True)
    language = models.CharField(_("Gjuha"), max_length=5)
    status = models.CharField(
        _("Gjendja"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("Përpjekje"), default=0)
    next_attempt_at = models.DateTimeField(_("Përpjekja tjetër më"))
    claimed_until = models.DateTimeField(_("Në dërgim deri më"), null=True, blank=True)
    last_error = models.CharField(_("Gabimi i fundit"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("Krijuar më"))
    sent_at = models.DateTimeField(_("Dërguar më"), null=True, blank=True)
    # Written to a person whose data is being erased: the row goes once delivered or
    # given up, so the outbox keeps nothing of them.
    forget_when_done = models.BooleanField(_("Fshihet pas dërgimit"), default=False)

    class Meta:
        verbose_name = _("mesazh në dalje")
        verbose_name_plural = _("mesazhet në dalje")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def message_id(self) -> str:
        """Return a Message-ID fixed per row: a retried delivery is recognisably the same mail."""
        return f"<{self.id}@3vfejzo.al>"
