from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    PRIVACY = "privacy", _("Politika e privatësisë")
    TERMS = "terms", _("Kushtet e shërbimit")


class PolicyVersion(models.Model):
    """One published version of the privacy policy or the terms, in one language.

    The Albanian text is the authoritative one; other languages are marked as
    translations of it.
    """

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    version = models.PositiveIntegerField()
    language = models.CharField(max_length=5)
    title = models.CharField(max_length=200)
    effective_date = models.DateField()
    body = models.TextField()
    is_translation = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "version", "language"], name="policy_version_unique"
            )
        ]
        ordering = ["kind", "-version", "language"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} ({self.language})"


class PolicyAcceptance(models.Model):
    """A person's agreement to one exact version of a document, and when (P1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="policy_acceptances",
        verbose_name=_("Llogaria"),
    )
    kind = models.CharField(_("Dokumenti"), max_length=16, choices=DocumentKind.choices)
    version = models.PositiveIntegerField(_("Versioni"))
    language = models.CharField(_("Gjuha"), max_length=5)
    accepted_at = models.DateTimeField(_("Pranuar më"))

    class Meta:
        verbose_name = _("pranim i kushteve ose i politikave")
        verbose_name_plural = _("pranimet e kushteve dhe të politikave")
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["user", "kind"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} v{self.version} {self.accepted_at:%Y-%m-%d}"
