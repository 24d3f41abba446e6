"""A contractor company's keys to the JSON API (P10): hashed at rest, scoped, revocable."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contractors.models import ContractorCompany, ContractorFunction


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def active_at(self, now: datetime) -> ApiTokenQuerySet:
        """Return the keys that open the API at `now`: not revoked by then, not expired."""
        return self.filter(
            Q(revoked_at__isnull=True) | Q(revoked_at__gt=now),
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
        )


class ApiToken(models.Model):
    """One key of a company's system: found by its prefix, its secret kept only as a hash.

    It reads the jobs of its company for the functions it is scoped to, and never more
    than the company's own people hold. A rotation makes a new key that names the one
    it replaces; the old one stops at once or after a short overlap.
    """

    company = models.ForeignKey(
        ContractorCompany,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("Kompania"),
    )
    name = models.CharField(
        _("Emërtimi"), max_length=80, help_text=_("Për çfarë shërben, p.sh. „Sistemi i depos”.")
    )
    prefix = models.CharField(_("Prefiksi"), max_length=12, unique=True, editable=False)
    # SHA-256 of the secret, hex; the secret itself is shown once and kept nowhere.
    secret_hash = models.CharField(max_length=64, editable=False)
    functions = models.ManyToManyField(
        ContractorFunction, related_name="+", verbose_name=_("Funksionet")
    )
    created_at = models.DateTimeField(_("Krijuar më"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        related_name="+",
        editable=False,
        verbose_name=_("Krijuar nga"),
    )
    expires_at = models.DateTimeField(_("Skadon më"), null=True, blank=True)
    # In the future while a rotation's overlap lasts.
    revoked_at = models.DateTimeField(_("Revokuar më"), null=True, blank=True, editable=False)
    rotated_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rotated_to",
        editable=False,
        verbose_name=_("Zëvendëson çelësin"),
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("çelës API")
        verbose_name_plural = _("çelësat API të kontraktorëve")
        ordering = ["company", "-created_at"]
        # Issued, seen, rotated and revoked through the services; never edited or deleted.
        default_permissions = ("add", "view")
        permissions = [
            ("rotate_apitoken", _("Mund të ndërrojë një çelës API")),
            ("revoke_apitoken", _("Mund të revokojë një çelës API")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def label(self) -> str:
        """Return how the access record names this key: by its public prefix, never a secret."""
        return f"API {self.prefix}"

    def active_at(self, now: datetime) -> bool:
        revoked = self.revoked_at is not None and self.revoked_at <= now
        expired = self.expires_at is not None and self.expires_at <= now
        return not revoked and not expired
