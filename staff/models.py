"""Staff safeguards (P14): training records. The module also makes Django send this
app its post_migrate signal, which synchronises the role groups (staff/apps.py)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.TextChoices):
    PRIVACY_AND_SECURITY = "privacy_security", _("Privatësia dhe siguria e të dhënave")
    CUSTOMER_SERVICE = "customer_service", _("Shërbimi ndaj klientit")


class TrainingRecord(models.Model):
    """A course a staff member completed, and until when it counts."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_records",
        limit_choices_to={"is_staff": True},
        verbose_name=_("Punonjësi"),
    )
    course = models.CharField(_("Kursi"), max_length=32, choices=Course.choices)
    completed_on = models.DateField(_("Përfunduar më"))
    valid_until = models.DateField(_("I vlefshëm deri më"))

    class Meta:
        verbose_name = _("trajnim")
        verbose_name_plural = _("trajnimet e stafit")
        ordering = ["valid_until"]
        indexes = [models.Index(fields=["staff", "course", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("completed_on")),
                name="training_valid_after_completed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_course_display()} ({self.staff_id}, {self.valid_until})"

    def is_valid_on(self, day: date) -> bool:
        return self.completed_on <= day <= self.valid_until


class OwnPurposeDigest(models.Model):
    """One day's self-made purposes, mailed to the data-protection officers once (P5)."""

    day = models.DateField(_("Dita"), unique=True)
    entries = models.PositiveIntegerField(_("Hapje"), default=0)
    sent_at = models.DateTimeField(_("Dërguar më"), auto_now_add=True)

    class Meta:
        verbose_name = _("përmbledhje e qëllimeve të krijuara nga vetë stafi")
        verbose_name_plural = _("përmbledhjet e qëllimeve të krijuara nga vetë stafi")
        ordering = ["-day"]

    def __str__(self) -> str:
        return str(self.day)
