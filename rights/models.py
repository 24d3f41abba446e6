"""The rights a person uses (P12): their download, erasure requests, legal holds.

The models came from the privacy app with their rows, so their tables keep its prefix.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Në radhë")
    READY = "ready", _("Gati")
    FAILED = "failed", _("Dështoi")
    EXPIRED = "expired", _("Skadoi")


class DataExport(models.Model):
    """A download of everything the shop holds about a customer (access and portability).

    The ZIP is written encrypted under a random key of its own, kept sealed on this
    row: deleting the row (erasure, expiry) leaves nothing readable behind even before
    the file itself is gone.
    """

    public_id = models.CharField(
        _("Kodi i lidhjes"), max_length=22, unique=True, default=new_public_id, editable=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("Llogaria"),
    )
    status = models.CharField(
        _("Gjendja"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    language = models.CharField(_("Gjuha"), max_length=5)
    # The file's own key, sealed under the newest encryption key (bound to this row).
    file_key = models.CharField(_("Çelësi i skedarit"), max_length=128, blank=True)
    size = models.PositiveIntegerField(_("Madhësia (bajt)"), default=0)
    requested_at = models.DateTimeField(_("Kërkuar më"))
    ready_at = models.DateTimeField(_("Gati më"), null=True, blank=True)
    expires_at = models.DateTimeField(_("Skadon më"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("Shkarkuar më"), null=True, blank=True)

    class Meta:
        db_table = "privacy_dataexport"
        verbose_name = _("shkarkim i të dhënave")
        verbose_name_plural = _("shkarkimet e të dhënave")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"


class RequestChannel(models.TextChoices):
    ACCOUNT = "account", _("Nga llogaria")
    EMAIL = "email", _("Email te info@3vfejzo.al")
    PHONE = "phone", _("Telefon")
    IN_PERSON = "in_person", _("Në dyqan")


class ErasureState(models.TextChoices):
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Pret konfirmimin me email")
    VERIFIED = "verified", _("E konfirmuar, pret zbatimin")
    HELD = "held", _("E zbatuar; disa të dhëna mbahen nën bllokim ligjor")
    COMPLETED = "completed", _("E zbatuar plotësisht")
    LAPSED = "lapsed", _("Pa konfirmim, e mbyllur")


OPEN_ERASURE_STATES = (ErasureState.AWAITING_CONFIRMATION, ErasureState.VERIFIED)


class ErasureRequest(models.Model):
    """A person's request to erase their data, from receipt to the last field erased.

    The due date is one month from receipt, extendable once with a reason the person
    is told. The request keeps no personal values: its report names fields, not values.
    """

    public_id = models.CharField(
        _("Kodi i lidhjes"), max_length=22, unique=True, default=new_public_id, editable=False
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="erasure_requests",
        verbose_name=_("Llogaria"),
    )
    channel = models.CharField(_("Kanali"), max_length=10, choices=RequestChannel.choices)
    state = models.CharField(
        _("Gjendja"),
        max_length=24,
        choices=ErasureState.choices,
        default=ErasureState.AWAITING_CONFIRMATION,
    )
    received_at = models.DateTimeField(_("Marrë më"))
    due_at = models.DateTimeField(_("Afati"))
    extension_reason = models.TextField(_("Arsyeja e zgjatjes"), blank=True)
    extended_at = models.DateTimeField(_("Zgjatur më"), null=True, blank=True)
    # Only a SHA-256 of the link's token: the database never holds a usable link.
    confirmation_digest = models.CharField(_("Gjurmë e lidhjes"), max_length=64, blank=True)
    confirmation_sent_at = models.DateTimeField(_("Konfirmimi u dërgua më"), null=True, blank=True)
    verified_at = models.DateTimeField(_("Konfirmuar më"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Regjistruar nga"),
    )
    executed_at = models.DateTimeField(_("Zbatuar më"), null=True, blank=True)
    completed_at = models.DateTimeField(_("Përfunduar më"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("Kujtesa u dërgua më"), null=True, blank=True)
    # Field by field what was erased, anonymised, kept for the law or held, and why.
    report = models.JSONField(_("Raporti"), default=list, blank=True)

    class Meta:
        db_table = "privacy_erasurerequest"
        verbose_name = _("kërkesë për fshirje")
        verbose_name_plural = _("kërkesat për fshirje")
        ordering = ["due_at", "id"]
        indexes = [models.Index(fields=["state", "due_at"], name="erasure_state_due")]
        permissions = [
            ("handle_erasurerequest", _("Mund të trajtojë kërkesat për fshirje")),
            ("register_erasurerequest", _("Mund të regjistrojë kërkesa për fshirje")),
        ]

    def __str__(self) -> str:
        return gettext("Kërkesa për fshirje #%(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ERASURE_STATES

    @property
    def may_be_extended(self) -> bool:
        return self.is_open and self.extended_at is None


class ErasureStep(models.TextChoices):
    RECEIVED = "received", _("U mor kërkesa")
    CONFIRMATION_SENT = "confirmation_sent", _("U dërgua lidhja e konfirmimit")
    VERIFIED = "verified", _("Personi e konfirmoi me lidhjen në email")
    LOGIN_DISABLED = "login_disabled", _("Hyrja u çaktivizua dhe seancat u mbyllën")
    EXTENDED = "extended", _("Afati u zgjat")
    HOLD_PLACED = "hold_placed", _("U vendos bllokim ligjor")
    HOLD_LIFTED = "hold_lifted", _("U hoq bllokimi ligjor")
    EXECUTED = "executed", _("Të dhënat u fshinë ose u anonimizuan")
    HELD_DATA_ERASED = "held_data_erased", _("Të dhënat e bllokuara u fshinë")
    REPORT_SENT = "report_sent", _("Personit iu tregua çfarë u fshi dhe çfarë u mbajt")
    REMINDER_SENT = "reminder_sent", _("Zyrtarit iu kujtua afati")
    LAPSED = "lapsed", _("Lidhja skadoi pa konfirmim")


class ErasureEvent(models.Model):
    """One step in a request's history: what happened, when, by whom (a role, never a name)."""

    request = models.ForeignKey(
        ErasureRequest,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("Kërkesa"),
    )
    step = models.CharField(_("Hapi"), max_length=20, choices=ErasureStep.choices)
    at = models.DateTimeField(_("Koha"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Kush"),
    )
    actor_label = models.CharField(_("Kush (emërtimi)"), max_length=80)
    detail = models.TextField(_("Hollësi"), blank=True)

    class Meta:
        db_table = "privacy_erasureevent"
        verbose_name = _("hap i kërkesës për fshirje")
        verbose_name_plural = _("historiku i kërkesave për fshirje")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.step}"


class HoldKind(models.TextChoices):
    DISPUTE = "dispute", _("Mosmarrëveshje ose ankesë e hapur")
    UNPAID_ORDER = "unpaid_order", _("Porosi e papaguar ose e padorëzuar ende")
    WARRANTY_OR_REPAIR = "warranty_or_repair", _("Garanci ose riparim i hapur")
    LEGAL_REQUEST = "legal_request", _("Kërkesë nga një autoritet ligjor")


class HoldScope(models.TextChoices):
    PERSON = "person", _("Gjithçka për personin")
    ORDER = "order", _("Një porosi")
    SUPPORT_CASE = "support_case", _("Një rast mbështetjeje")


class LegalHold(models.Model):
    """Data that may not be erased yet, with the reason and the date it is looked at again.

    A hold covers one order (and the cases about it), one support case, or everything
    about the person (its scope). Lifting it lets the erasure finish. The order or case
    it held may go later (retention); the hold stays as the record, with its reference.
    """

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_holds",
        verbose_name=_("Llogaria"),
    )
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_holds",
        verbose_name=_("Porosia"),
    )
    support_case = models.ForeignKey(
        "support.SupportCase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="legal_holds",
        verbose_name=_("Rasti"),
    )
    # The authority's request the hold keeps the data for (P11), when it is one.
    legal_request = models.ForeignKey(
        "legal.LegalRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holds",
        verbose_name=_("Kërkesa ligjore"),
    )
    scope = models.CharField(
        _("Çfarë mban"), max_length=12, choices=HoldScope.choices, default=HoldScope.PERSON
    )
    # The order's number or the case's, kept when the order or case itself is gone.
    reference = models.CharField(_("Referenca"), max_length=32, blank=True)
    kind = models.CharField(_("Lloji"), max_length=20, choices=HoldKind.choices)
    # Told to the customer: written for them, about the matter, never about other people.
    reason = models.TextField(_("Arsyeja"), blank=True)
    review_on = models.DateField(_("Rishikohet më"))
    # The officer is reminded once when the review date comes.
    review_reminded_on = models.DateField(_("Kujtuar më"), null=True, blank=True)
    # Placed by the system for an order in flight or an open case; lifted by it too.
    automatic = models.BooleanField(_("Automatik"), default=False)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Vendosur nga"),
    )
    placed_at = models.DateTimeField(_("Vendosur më"))
    lifted_at = models.DateTimeField(_("Hequr më"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Hequr nga"),
    )

    class Meta:
        db_table = "privacy_legalhold"
        verbose_name = _("bllokim ligjor")
        verbose_name_plural = _("bllokimet ligjore")
        ordering = ["review_on", "id"]
        indexes = [models.Index(fields=["subject", "lifted_at"], name="hold_subject_open")]

    def __str__(self) -> str:
        return gettext("Bllokimi #%(id)s") % {"id": self.pk}

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ErasedSubject(models.Model):
    """A person whose data was erased, known from then on only by a pseudonym.

    The access record keeps referring to the account by id; this row says that id now
    stands for a pseudonym, and when and why the data went.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure",
        verbose_name=_("Llogaria"),
    )
    pseudonym = models.CharField(_("Pseudonimi"), max_length=24, unique=True)
    erased_at = models.DateTimeField(_("Fshirë më"))
    cause = models.CharField(_("Shkaku"), max_length=16)

    class Meta:
        db_table = "privacy_erasedsubject"
        verbose_name = _("person i fshirë")
        verbose_name_plural = _("personat e fshirë")

    def __str__(self) -> str:
        return self.pseudonym


class InactivityWarning(models.Model):
    """The mail that warned a customer their inactive account will be erased."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inactivity_warning",
        verbose_name=_("Llogaria"),
    )
    # The sign-in the warning was about: a later sign-in makes the warning stale.
    last_seen_at = models.DateTimeField(_("Hyrja e fundit më"))
    warned_at = models.DateTimeField(_("Paralajmëruar më"))

    class Meta:
        db_table = "privacy_inactivitywarning"
        verbose_name = _("paralajmërim për llogari joaktive")
        verbose_name_plural = _("paralajmërimet për llogari joaktive")

    def __str__(self) -> str:
        return f"{self.user_id} {self.warned_at:%Y-%m-%d}"
