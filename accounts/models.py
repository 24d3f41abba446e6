from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.municipalities import Municipality
from core.email import normalise_email
from core.phone import phone_search_key
from privacy.fields import (
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedModel,
)


class Language(models.TextChoices):
    ALBANIAN = "sq", "Shqip"
    ENGLISH = "en", "English"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("email_verified_at", timezone.now())
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.with_email(username or "").get()

    def with_email(self, email: str) -> models.QuerySet[User]:
        """Return the account with this address, found through its blind index."""
        index = self.model._meta.get_field("email_index").index_for(email)  # type: ignore[union-attr]
        return self.filter(email_index=index) if index else self.none()

    def with_phone(self, phone: str) -> models.QuerySet[User]:
        """Return the accounts with this number, typed in any format."""
        index = self.model._meta.get_field("phone_index").index_for(phone)  # type: ignore[union-attr]
        return self.filter(phone_index=index) if index else self.none()


class User(AbstractBaseUser, PermissionsMixin, EncryptedModel):
    """A customer or a staff member; both sign in with their email address."""

    email = EncryptedEmailField(_("Email"), max_length=254)
    # Finds an account by address without storing it in clear; unique, so one account
    # per address however it is spelt.
    email_index = BlindIndexField(
        _("Gjurmë kërkimi e email-it"),
        source="email",
        purpose="accounts.User.email",
        normalise=normalise_email,
        unique=True,
    )
    first_name = EncryptedCharField(_("Emri"), max_length=80)
    last_name = EncryptedCharField(_("Mbiemri"), max_length=80)
    phone = EncryptedCharField(_("Telefoni"), max_length=20, blank=True, help_text="E.164")
    phone_index = BlindIndexField(
        _("Gjurmë kërkimi e telefonit"),
        source="phone",
        purpose="accounts.User.phone",
        normalise=phone_search_key,
        db_index=True,
        blank=True,
    )
    language = models.CharField(
        _("Gjuha"), max_length=5, choices=Language.choices, default=Language.ALBANIAN
    )
    email_verified_at = models.DateTimeField(_("Email-i u verifikua më"), null=True, blank=True)
    is_staff = models.BooleanField(_("Staf"), default=False)
    is_active = models.BooleanField(_("Aktiv"), default=True)
    date_joined = models.DateTimeField(_("Regjistruar më"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("përdorues")
        verbose_name_plural = _("përdoruesit")
        # The back office lists the newest accounts first, 50 at a time.
        indexes = [models.Index(fields=["-date_joined", "-id"], name="user_newest_first")]

    def __str__(self) -> str:
        # What the admin writes into its change history and shows in pickers: an id,
        # never a name (P5).
        return gettext("Llogaria #%(id)s") % {"id": self.pk}

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = set(update_fields)
            for field in ("email", "phone"):
                if field in update_fields:
                    update_fields.add(f"{field}_index")
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class Address(EncryptedModel):
    """A delivery address in a customer's address book."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("Llogaria")
    )
    municipality = models.CharField(
        _("Qyteti / bashkia"), max_length=32, choices=Municipality.choices
    )
    street = EncryptedCharField(_("Rruga dhe numri"), max_length=200)
    courier_notes = EncryptedCharField(_("Shënime për korrierin"), max_length=300, blank=True)
    is_default = models.BooleanField(_("Adresa kryesore"), default=False)
    created_at = models.DateTimeField(_("Krijuar më"), auto_now_add=True)

    class Meta:
        verbose_name = _("adresë")
        verbose_name_plural = _("adresat")
        ordering = ["-is_default", "-created_at"]

    @property
    def one_line(self) -> str:
        """Return the address as its owner reads it on their own pages."""
        return f"{self.street}, {self.get_municipality_display()}"

    def __str__(self) -> str:
        return gettext("Adresa #%(id)s, %(municipality)s") % {
            "id": self.pk,
            "municipality": self.get_municipality_display(),
        }


class EmailChange(EncryptedModel):
    """A customer's request to sign in with another address, waiting for that mailbox's yes.

    The link mailed to the new address carries a random token; only its SHA-256 is
    kept here, so a copy of the database confirms nothing.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="email_changes", verbose_name=_("Llogaria")
    )
    new_email = EncryptedEmailField(_("Email-i i ri"), max_length=254)
    token_hash = models.CharField(_("Gjurmë e lidhjes"), max_length=64, unique=True, editable=False)
    # A keyed hash of the password as it was when the change was asked: changing the
    # password (what the old address is told to do if it was not them) voids the link.
    password_state = models.CharField(_("Gjurmë e fjalëkalimit"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("Kërkuar më"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("Konfirmuar më"), null=True, blank=True)

    class Meta:
        verbose_name = _("ndryshim email-i")
        verbose_name_plural = _("ndryshimet e email-it")

    def __str__(self) -> str:
        return gettext("Ndryshim email-i #%(id)s") % {"id": self.pk}

    @property
    def expires_at(self) -> datetime:
        return self.created_at + timedelta(seconds=settings.EMAIL_CHANGE_TIMEOUT)

    def is_expired(self, *, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class ThrottleScope(models.TextChoices):
    """What a counter counts; each scope hashes its keys under its own purpose."""

    MAIL_TO_ADDRESS = "mail_to_address", _("Email-e drejt një adrese")
    MAIL_FROM_CLIENT = "mail_from_client", _("Email-e të kërkuara nga një lidhje interneti")
    SIGN_IN_FAILURES = "sign_in_failures", _("Hyrje të dështuara me një adresë email-i")


class ThrottleCounter(models.Model):
    """How many times something happened for one key before `expires_at`.

    The key is a keyed hash (a blind index) of an email or network address, never the
    address. A row is worth nothing once it has expired: the next count starts a new
    window, and expired rows are deleted (accounts.counters.throttle_expired_purge).
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
