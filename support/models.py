from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.email import normalise_email
from privacy.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField, EncryptedModel


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

    # None while a visitor's case (the contact form, a mail to info@) waits for the account
    # that proves its address (support.services.visitors). Staff pages require it.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
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
    # Who wrote, as they gave it on the contact form or in a mail's From: where the
    # shop's answers by mail go, and what joins the case to the account of that address.
    contact_name = EncryptedCharField(_("Emri i dhënë"), max_length=150, blank=True)
    contact_email = EncryptedEmailField(_("Email-i i dhënë"), max_length=254, blank=True)
    contact_email_index = BlindIndexField(
        _("Gjurmë kërkimi e email-it të dhënë"),
        source="contact_email",
        purpose="support.SupportCase.contact_email",
        normalise=normalise_email,
        db_index=True,
        blank=True,
    )
    # An order number a visitor typed: text, never a link to the order, since nothing
    # proves it theirs until the case joins the account that placed it.
    order_number = EncryptedCharField(_("Numri i porosisë i dhënë"), max_length=40, blank=True)
    # The language answers by mail are written in, for a visitor without an account.
    language = models.CharField(_("Gjuha"), max_length=5, blank=True)
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


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Klienti")
    STAFF = "staff", _("Dyqani")
    EXPERT = "expert", _("Ekspert i ftuar")
    # What the shop itself noted on the case: attachments of a mail it did not keep.
    NOTE = "note", _("Shënim i sistemit")


class CaseMessage(EncryptedModel):
    """One message of a case's thread, from the customer, its owner or an invited expert (P9)."""

    case = models.ForeignKey(
        SupportCase, on_delete=models.CASCADE, related_name="messages", verbose_name=_("Rasti")
    )
    author_kind = models.CharField(_("Nga"), max_length=10, choices=AuthorKind.choices)
    # Who wrote it; the kind stays readable after the account is gone.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Shkruar nga"),
    )
    body = EncryptedCharField(_("Mesazhi"), max_length=5000)
    created_at = models.DateTimeField(_("Shkruar më"), default=timezone.now)

    class Meta:
        verbose_name = _("mesazh i rastit")
        verbose_name_plural = _("mesazhet e rastit")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} / {self.pk}"


class CaseExpertQuerySet(models.QuerySet["CaseExpert"]):
    def active(self) -> CaseExpertQuerySet:
        """Invitations still open: the expert has not left and the case is open."""
        return self.filter(left_at__isnull=True, case__status=CaseStatus.OPEN)


class CaseExpert(models.Model):
    """A colleague the case's owner asked in, for a stated reason, until they leave (P9)."""

    case = models.ForeignKey(
        SupportCase, on_delete=models.CASCADE, related_name="experts", verbose_name=_("Rasti")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_cases",
        limit_choices_to={"is_staff": True},
        verbose_name=_("Eksperti"),
    )
    # Why the expert is needed, in the owner's words; nothing the customer said.
    reason = models.CharField(_("Arsyeja"), max_length=200)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Ftuar nga"),
    )
    invited_at = models.DateTimeField(_("Ftuar më"), default=timezone.now)
    left_at = models.DateTimeField(_("Doli më"), null=True, blank=True)

    objects = CaseExpertQuerySet.as_manager()

    class Meta:
        verbose_name = _("ekspert i ftuar")
        verbose_name_plural = _("ekspertët e ftuar")
        ordering = ["invited_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} / {self.expert_id}"


class CaseHandover(models.Model):
    """A case moving from one owner to another: who gave it, to whom, and when (P9)."""

    case = models.ForeignKey(
        SupportCase, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("Rasti")
    )
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Nga"),
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Te"),
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Nga kush"),
    )
    # How many invited experts lost their access with the handover.
    experts_ended = models.PositiveSmallIntegerField(_("Ekspertë që dolën"), default=0)
    at = models.DateTimeField(_("Koha"), default=timezone.now)

    class Meta:
        verbose_name = _("kalim i rastit")
        verbose_name_plural = _("kalimet e rastit")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} @ {self.at:%Y-%m-%d %H:%M}"


class CaseAttachment(models.Model):
    """A photo sent with a message: re-encoded without EXIF (core.uploads), kept in the
    default storage under PHOTO_FOLDER with a random name, served only to who may read
    the case (P9). Never under the public media folders."""

    case = models.ForeignKey(
        SupportCase, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("Rasti")
    )
    message = models.ForeignKey(
        CaseMessage,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("Mesazhi"),
    )
    # The name in the default storage: random, never the name the file was sent with.
    photo = models.CharField(_("Fotografia"), max_length=200, unique=True)
    content_type = models.CharField(_("Lloji"), max_length=32)
    width = models.PositiveIntegerField(_("Gjerësia"))
    height = models.PositiveIntegerField(_("Lartësia"))
    size = models.PositiveIntegerField(_("Madhësia (bajt)"))
    created_at = models.DateTimeField(_("Dërguar më"), default=timezone.now)

    class Meta:
        verbose_name = _("fotografi e rastit")
        verbose_name_plural = _("fotografitë e rastit")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} / {self.pk}"


class MailDirection(models.TextChoices):
    INBOUND = "in", _("Marrë")
    OUTBOUND = "out", _("Dërguar")


class CaseMail(EncryptedModel):
    """A mail of an email conversation: one that came to info@ or one the shop sent.

    The Message-ID is kept as a keyed hash only: the same mail delivered twice is known
    by it, and a reply joins the case whose sent mail its In-Reply-To or References name.
    The shop's Message-IDs are random (mail.OutboxMessage), so a reference nobody was
    sent cannot be made up.
    """

    case = models.ForeignKey(
        SupportCase, on_delete=models.CASCADE, related_name="mails", verbose_name=_("Rasti")
    )
    message = models.ForeignKey(
        CaseMessage,
        null=True,
        on_delete=models.CASCADE,
        related_name="mails",
        verbose_name=_("Mesazhi"),
    )
    direction = models.CharField(_("Drejtimi"), max_length=3, choices=MailDirection.choices)
    message_id_index = models.CharField(_("Gjurmë e Message-ID"), max_length=64)
    sender_name = EncryptedCharField(_("Emri i dërguesit"), max_length=150, blank=True)
    sender_address = EncryptedEmailField(_("Adresa e dërguesit"), max_length=254, blank=True)
    subject = EncryptedCharField(_("Subjekti"), max_length=250, blank=True)
    at = models.DateTimeField(_("Koha"), default=timezone.now)

    class Meta:
        verbose_name = _("email i rastit")
        verbose_name_plural = _("email-et e rastit")
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["direction", "message_id_index"], name="support_mail_once_per_message_id"
            )
        ]
        indexes = [models.Index(fields=["message_id_index"], name="support_mail_message_id")]

    def __str__(self) -> str:
        return f"{self.case} / {self.direction} {self.pk}"
