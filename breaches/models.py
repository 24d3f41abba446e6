"""The breach register (P14): what happened, whom it touched, and who was told when.

A breach names the categories and registry fields it touched, never values; the
people it touched are rows of account numbers, computed from the access record or
the registry and reviewed by the officer before any notice goes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The law gives the controller 72 hours from discovery to notify the Commissioner (IDP).
IDP_DEADLINE = timedelta(hours=72)


class BreachStatus(models.TextChoices):
    INVESTIGATING = "investigating", _("Në hetim")
    CONTAINED = "contained", _("E kufizuar")
    CLOSED = "closed", _("E mbyllur")


class PersonSource(models.TextChoices):
    """How a person came onto a breach's list."""

    ACCESS_RECORD = "access_record", _("Nga regjistri i qasjeve")
    FIELD_VALUES = "field_values", _("Kanë vlerë në fushat e prekura")
    OFFICER = "officer", _("Shtuar nga zyrtari")


class ReminderStage(models.TextChoices):
    """The moments of the 72-hour clock at which the officer is reminded, once each."""

    # Read inside a sentence: "Cenimi #4: kaluan 24 orë nga zbulimi…".
    HOURS_24 = "24h", _("kaluan 24 orë")
    HOURS_48 = "48h", _("kaluan 48 orë")
    OVERDUE = "overdue", _("kaluan 72 orë")


class Breach(models.Model):
    """One security breach of personal data, or a drill of one."""

    incident = models.TextField(
        _("Çfarë ndodhi"),
        help_text=_("Përshkruani ngjarjen pa përmendur emra ose të dhëna të klientëve."),
    )
    discovered_at = models.DateTimeField(_("Zbuluar më"))
    occurred_from = models.DateTimeField(_("Ndodhi nga"), null=True, blank=True)
    occurred_to = models.DateTimeField(_("Ndodhi deri më"), null=True, blank=True)
    # Category values and app.Model.field names of the personal-data registry.
    categories = models.JSONField(_("Kategoritë e prekura"), default=list)
    field_names = models.JSONField(_("Fushat e prekura"), default=list, blank=True)
    status = models.CharField(
        _("Gjendja"),
        max_length=16,
        choices=BreachStatus.choices,
        default=BreachStatus.INVESTIGATING,
    )
    idp_notified_at = models.DateTimeField(_("IDP u njoftua më"), null=True, blank=True)
    idp_reference = models.CharField(_("Nr. i protokollit në IDP"), max_length=64, blank=True)
    lessons_learned = models.TextField(_("Mësimet e nxjerra"), blank=True)
    notice_text_sq = models.TextField(_("Teksti i njoftimit (shqip)"), blank=True)
    notice_text_en = models.TextField(_("Teksti i njoftimit (anglisht)"), blank=True)
    notices_requested_at = models.DateTimeField(_("Njoftimet u nisën më"), null=True, blank=True)
    drill = models.BooleanField(_("Ushtrim"), default=False)
    drill_report = models.TextField(_("Raporti i ushtrimit"), blank=True)
    created_at = models.DateTimeField(_("Regjistruar më"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Regjistruar nga"),
    )
    closed_at = models.DateTimeField(_("Mbyllur më"), null=True, blank=True)

    class Meta:
        verbose_name = _("cenim i sigurisë")
        verbose_name_plural = _("cenimet e sigurisë")
        ordering = ["-discovered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occurred_from__isnull=True)
                | models.Q(occurred_to__isnull=True)
                | models.Q(occurred_from__lte=models.F("occurred_to")),
                name="breach_window_in_order",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def idp_deadline(self) -> datetime:
        return self.discovered_at + IDP_DEADLINE

    @property
    def is_open(self) -> bool:
        return self.status != BreachStatus.CLOSED


class AffectedPerson(models.Model):
    """One account a breach touched; its notice is written once (`notified_at`)."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="people")
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="breaches_affecting",
        verbose_name=_("Llogaria"),
    )
    source = models.CharField(_("Si u gjet"), max_length=16, choices=PersonSource.choices)
    added_at = models.DateTimeField(_("Shtuar më"))
    # Set when the officer sends the notices; only these are written to the outbox.
    notice_requested_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(_("Njoftuar më"), null=True, blank=True)
    outbox_id = models.UUIDField(null=True, blank=True)

    class Meta:
        verbose_name = _("person i prekur")
        verbose_name_plural = _("personat e prekur")
        ordering = ["subject_id"]
        constraints = [
            models.UniqueConstraint(fields=["breach", "subject"], name="breach_person_once")
        ]
        indexes = [models.Index(fields=["breach", "notified_at"], name="breach_person_pending")]

    def __str__(self) -> str:
        return f"#{self.breach_id}/{self.subject_id}"


class ClockReminder(models.Model):
    """A reminder of the 72-hour clock mailed to the officer; the constraint makes it once."""

    breach = models.ForeignKey(Breach, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=8, choices=ReminderStage.choices)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["breach", "stage"], name="breach_reminder_once")
        ]

    def __str__(self) -> str:
        return f"#{self.breach_id} {self.stage}"
