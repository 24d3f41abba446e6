"""The register of legal requests (P11): who asked for whose data, on what basis, what the
officer decided, what was disclosed, and whether and when the person is told.

A request names the people it is about by account, the categories by the registry's
`Category`, and a period. Its documents and its disclosure package are sealed files in
the default storage (privacy.sealed_files), each under a key of its own kept sealed on
its row. Nothing here holds a customer's personal value: ids, categories and dates.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# How the access record, the notices and the back office name a request.
NUMBER_PREFIX = "KL-"


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class AuthorityKind(models.TextChoices):
    POLICE = "police", _("Policia")
    PROSECUTOR = "prosecutor", _("Prokuroria")
    COURT = "court", _("Gjykata")
    IDP = "idp", _("Komisioneri për të Drejtën e Informimit dhe Mbrojtjen e të Dhënave")
    OTHER_AUTHORITY = "other", _("Autoritet tjetër")
    OWN_INVESTIGATION = "own", _("Hetim i vetë 3VFejzo për mashtrim ose abuzim")


class RequestOutcome(models.TextChoices):
    PENDING = "pending", _("Pret vendimin")
    APPROVED = "approved", _("Miratuar")
    PARTLY_APPROVED = "partly_approved", _("Miratuar pjesërisht")
    REFUSED = "refused", _("Refuzuar")


DISCLOSING_OUTCOMES = (RequestOutcome.APPROVED, RequestOutcome.PARTLY_APPROVED)


class NoticeWithheld(models.TextChoices):
    """Why the person is not told of the disclosure yet (by default they are)."""

    LEGAL_PROHIBITION = "legal_prohibition", _("Ligji e ndalon njoftimin")
    COURT_ORDER = "court_order", _("Urdhër gjykate e ndalon njoftimin")


class LegalRequest(models.Model):
    """One request for people's data from an authority, or the shop's own investigation."""

    authority_kind = models.CharField(
        _("Lloji i kërkuesit"), max_length=12, choices=AuthorityKind.choices
    )
    requester = models.CharField(_("Kërkuesi"), max_length=200)
    legal_basis = models.TextField(_("Baza ligjore"))
    reference = models.CharField(_("Referenca e kërkuesit"), max_length=100)
    received_on = models.DateField(_("Marrë më"))
    deadline = models.DateField(_("Afati"))
    # The scope asked for: the registry's categories, a period; the people are below.
    categories = models.JSONField(_("Kategoritë e kërkuara"), default=list)
    period_start = models.DateField(_("Periudha nga"))
    period_end = models.DateField(_("Periudha deri"))
    registered_at = models.DateTimeField(_("Regjistruar më"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Regjistruar nga"),
    )
    # The officer's decision: what is given, of what period, and why.
    outcome = models.CharField(
        _("Vendimi"),
        max_length=16,
        choices=RequestOutcome.choices,
        default=RequestOutcome.PENDING,
    )
    decision_reason = models.TextField(_("Arsyeja e vendimit"), blank=True)
    approved_categories = models.JSONField(_("Kategoritë e miratuara"), default=list)
    approved_start = models.DateField(_("Miratuar nga"), null=True, blank=True)
    approved_end = models.DateField(_("Miratuar deri"), null=True, blank=True)
    decided_at = models.DateTimeField(_("Vendosur më"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        verbose_name=_("Vendosur nga"),
    )
    # Blank: the people are told when the data is given. Otherwise why not, and until when.
    notice_withheld = models.CharField(
        _("Pse nuk njoftohet personi"),
        max_length=20,
        choices=NoticeWithheld.choices,
        blank=True,
    )
    notice_withheld_note = models.TextField(_("Shënim për ndalimin e njoftimit"), blank=True)
    notice_withheld_until = models.DateField(_("Njoftimi ndalohet deri më"), null=True, blank=True)

    class Meta:
        verbose_name = _("kërkesë ligjore")
        verbose_name_plural = _("kërkesat ligjore")
        ordering = ["-received_on", "-id"]
        permissions = [("decide_legalrequest", _("Mund të vendosë për kërkesat ligjore"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("received_on")),
                name="legal_deadline_after_received",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="legal_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Kërkesa ligjore %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        return f"{NUMBER_PREFIX}{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.outcome == RequestOutcome.PENDING


class LegalRequestPerson(models.Model):
    """A person the request is about; when their data was given, and when they were told."""

    request = models.ForeignKey(
        LegalRequest,
        on_delete=models.CASCADE,
        related_name="people",
        verbose_name=_("Kërkesa"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_requests",
        verbose_name=_("Llogaria"),
    )
    disclosed_at = models.DateTimeField(_("Dhënë më"), null=True, blank=True)
    # Set in the transaction that writes the notice to the outbox: told once.
    notified_at = models.DateTimeField(_("Njoftuar më"), null=True, blank=True)

    class Meta:
        verbose_name = _("person i kërkesës ligjore")
        verbose_name_plural = _("personat e kërkesave ligjore")
        ordering = ["request", "person"]
        constraints = [
            models.UniqueConstraint(fields=["request", "person"], name="legal_person_once")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.person_id}"


class LegalDocument(models.Model):
    """A document of the request (the order, the letter), sealed in the default storage."""

    public_id = models.CharField(max_length=22, unique=True, default=new_public_id, editable=False)
    request = models.ForeignKey(
        LegalRequest,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("Kërkesa"),
    )
    title = models.CharField(_("Titulli"), max_length=200)
    storage_name = models.CharField(max_length=200, unique=True)
    file_key = models.CharField(max_length=128)
    content_type = models.CharField(_("Lloji"), max_length=100)
    size = models.PositiveIntegerField(_("Madhësia (bajt)"))
    uploaded_at = models.DateTimeField(_("Ngarkuar më"))

    class Meta:
        verbose_name = _("dokument i kërkesës ligjore")
        verbose_name_plural = _("dokumentet e kërkesave ligjore")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class DisclosurePackage(models.Model):
    """What was given to the authority: a sealed ZIP, handed over by a link that expires."""

    public_id = models.CharField(max_length=22, unique=True, default=new_public_id, editable=False)
    request = models.OneToOneField(
        LegalRequest,
        on_delete=models.CASCADE,
        related_name="package",
        verbose_name=_("Kërkesa"),
    )
    storage_name = models.CharField(max_length=200, blank=True)
    file_key = models.CharField(max_length=128, blank=True)
    size = models.PositiveIntegerField(_("Madhësia (bajt)"), default=0)
    # The qualified names of the fields given (app.Model.field): what the access record says.
    fields = models.JSONField(_("Të dhënat e dhëna"), default=list)
    built_at = models.DateTimeField(_("Përgatitur më"))
    expires_at = models.DateTimeField(_("Lidhja skadon më"))
    taken_at = models.DateTimeField(_("Marrë nga autoriteti më"), null=True, blank=True)

    class Meta:
        verbose_name = _("paketë e dhënë autoritetit")
        verbose_name_plural = _("paketat e dhëna autoriteteve")

    def __str__(self) -> str:
        return f"{self.request_id}"
