from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionAction(models.TextChoices):
    ACCEPT_ALL = "accept_all", _("Pranoi të gjitha")
    REJECT_ALL = "reject_all", _("Refuzoi të gjitha")
    CHOOSE = "choose", _("Zgjodhi")
    LINK_ACCOUNT = "link_account", _("U lidh me llogarinë në hyrje")


class DecisionChannel(models.TextChoices):
    BANNER = "banner", _("Banderola, me JavaScript")
    FORM = "form", _("Formular, pa JavaScript")
    SIGN_IN = "sign_in", _("Hyrja në llogari")


class ConsentDecision(models.Model):
    """One cookie decision, as proof (P7): what was chosen, under which texts, when.

    Append-only: a change of mind is a new row with the same consent id. The browser
    is recognised only by a random id in a necessary cookie and a keyed hash of its
    user agent, never the address or the user agent itself.
    """

    consent_id = models.CharField(_("Nr. i pëlqimit"), max_length=32, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consent_decisions",
        verbose_name=_("Llogaria"),
    )
    action = models.CharField(_("Veprimi"), max_length=16, choices=DecisionAction.choices)
    channel = models.CharField(_("Kanali"), max_length=10, choices=DecisionChannel.choices)
    analytics = models.BooleanField(_("Analitike"))
    personalisation = models.BooleanField(_("Personalizim"))
    banner_revision = models.PositiveIntegerField(_("Versioni i banderolës"))
    policy_version = models.PositiveIntegerField(_("Versioni i politikës"))
    google_analytics = models.BooleanField(
        _("Banderola përmendte Google Analytics"),
        default=False,
        help_text=_("Nëse analitika e pranuar ishte Google Analytics."),
    )
    user_agent_hash = models.CharField(_("Gjurma e shfletuesit"), max_length=64, blank=True)
    decided_at = models.DateTimeField(_("Koha"))

    class Meta:
        verbose_name = _("vendim për cookies")
        verbose_name_plural = _("regjistri i pëlqimeve për cookies")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["user", "-decided_at"], name="consent_user_newest")]
        permissions = [("export_consentdecision", _("Mund të eksportojë regjistrin e pëlqimeve"))]

    def __str__(self) -> str:
        return f"{self.consent_id[:8]} {self.action} {self.decided_at:%Y-%m-%d}"
