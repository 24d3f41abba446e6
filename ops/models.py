"""What the health endpoint reads that nothing else keeps: the worker's last heartbeat and
the last walk of the access record's chain, with its outcome."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MarkerKind(models.TextChoices):
    WORKER_HEARTBEAT = "worker_heartbeat", _("Rrahja e zemrës së punëtorit")
    CHAIN_VERIFIED = "chain_verified", _("Verifikimi i zinxhirit të qasjeve")


class Marker(models.Model):
    """One row per kind, moved forward in place each time: the table never grows."""

    kind = models.CharField(_("Lloji"), max_length=32, choices=MarkerKind.choices, primary_key=True)
    at = models.DateTimeField(_("Më"))
    ok = models.BooleanField(_("Në rregull"), default=True)
    # The chain's walk: how many entries it checked, and what it found wrong (a position
    # and a kind of fault, never an entry's content).
    checked = models.PositiveBigIntegerField(_("Të kontrolluara"), default=0)
    problem = models.CharField(_("Problemi"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("shenjë funksionimi")
        verbose_name_plural = _("shenjat e funksionimit")

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
