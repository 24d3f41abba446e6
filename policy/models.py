from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.clauses import enforces


class DocumentKind(models.TextChoices):
    PRIVACY = "privacy", _("Politika e privatësisë")
    TERMS = "terms", _("Kushtet e shërbimit")


class AcceptanceMethod(models.TextChoices):
    """How a person came to accept a version (P1, P2)."""

    REGISTRATION = "registration", _("Në regjistrim")
    NOTICE_DISMISSED = "notice_dismissed", _("Mbylli njoftimin për versionin e ri")
    CONTINUED_USE = "continued_use", _("Vazhdoi përdorimin pas njoftimit")


@enforces("P2", "a change is a new numbered version with its date; none is edited in place")
@enforces("P16", "each published version carries the date it took effect")
class PolicyVersion(models.Model):
    """One published version of the privacy policy or the terms, in one language.

    The Albanian text is the authoritative one; other languages are marked as
    translations of it. A version is never changed once published (P2): a change is a
    new version, published by the data-protection officer through `policy_publish`.
    """

    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    version = models.PositiveIntegerField()
    language = models.CharField(max_length=5)
    title = models.CharField(max_length=200)
    effective_date = models.DateField()
    body = models.TextField()
    is_translation = models.BooleanField(default=False)
    # What changed, in the officer's words: the notice returning customers see (P2).
    summary = models.TextField(_("Përmbledhja e ndryshimeve"), blank=True)
    # A material change is also mailed to every customer as a service notice.
    material = models.BooleanField(_("Ndryshim thelbësor"), default=False)
    # Empty for version 1, which the company published before the platform.
    published_at = models.DateTimeField(_("Publikuar më"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Publikuar nga"),
    )
    # The publisher's roles, copied: the record outlives the staff account.
    published_by_label = models.CharField(_("Publikuar nga (roli)"), max_length=80, blank=True)

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
    method = models.CharField(
        _("Si u pranua"),
        max_length=20,
        choices=AcceptanceMethod.choices,
        default=AcceptanceMethod.REGISTRATION,
    )
    # When the notice of this version was shown, for an acceptance by continued use (P2).
    notice_shown_at = models.DateTimeField(_("Njoftimi u shfaq më"), null=True, blank=True)

    class Meta:
        verbose_name = _("pranim i kushteve ose i politikave")
        verbose_name_plural = _("pranimet e kushteve dhe të politikave")
        ordering = ["-accepted_at"]
        indexes = [models.Index(fields=["user", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "version"], name="policy_acceptance_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} v{self.version} {self.accepted_at:%Y-%m-%d}"


class PolicyDraft(models.Model):
    """A new version of the policy or the terms as the data-protection officer writes it.

    Albanian is required and authoritative; English is optional. Publishing turns the
    draft into the next PolicyVersion rows and closes it (`policy_publish`).
    """

    kind = models.CharField(_("Dokumenti"), max_length=16, choices=DocumentKind.choices)
    title_sq = models.CharField(_("Titulli (shqip)"), max_length=200)
    body_sq = models.TextField(_("Teksti (shqip)"))
    summary_sq = models.TextField(
        _("Përmbledhja e ndryshimeve (shqip)"),
        help_text=_("Klientët e shohin në njoftimin për versionin e ri."),
    )
    title_en = models.CharField(_("Titulli (anglisht)"), max_length=200, blank=True)
    body_en = models.TextField(_("Teksti (anglisht)"), blank=True)
    summary_en = models.TextField(_("Përmbledhja e ndryshimeve (anglisht)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Shkruar nga"),
    )
    created_at = models.DateTimeField(_("Krijuar më"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Ndryshuar më"), auto_now=True)
    published_version = models.PositiveIntegerField(
        _("Publikuar si versioni"), null=True, blank=True, editable=False
    )
    published_at = models.DateTimeField(_("Publikuar më"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("draft i politikave ose i kushteve")
        verbose_name_plural = _("draftet e politikave dhe të kushteve")
        ordering = ["-updated_at", "-pk"]
        permissions = [
            ("publish_policydraft", _("Mund të publikojë një version të ri të politikave")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title_sq}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
