"""Counters that slow down what anyone can set off: mail to an address, guessed passwords (P14)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleScope(models.TextChoices):
    """What a counter counts; each scope hashes its keys under its own purpose."""

    MAIL_TO_ADDRESS = "mail_to_address", _("Email-e drejt një adrese")
    MAIL_FROM_CLIENT = "mail_from_client", _("Email-e të kërkuara nga një lidhje interneti")
    SIGN_IN_FAILURES = "sign_in_failures", _("Hyrje të dështuara me një adresë email-i")


class ThrottleCounter(models.Model):
    """How many times something happened for one key before `expires_at`.

    The key is a keyed hash (a blind index) of an email or network address, never the
    address. A row is worth nothing once it has expired: the next count starts a new
    window, and expired rows are deleted (core.throttle.throttle_expired_purge).
    """

    scope = models.CharField(max_length=32, choices=ThrottleScope.choices)
    key_index = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key_index"], name="throttle_one_row_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}: {self.count}"
