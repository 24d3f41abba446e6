from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.municipalities import Municipality


class Language(models.TextChoices):
    ALBANIAN = "sq", "Shqip"
    ENGLISH = "en", "English"


def normalise_email(email: str) -> str:
    """Return the one spelling of an address under which it is stored and looked up."""
    return email.strip().lower()


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
        return self.get(email=normalise_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    """A customer or a staff member; both sign in with their email address."""

    email = models.EmailField(_("Email"), max_length=254, unique=True)
    first_name = models.CharField(_("Emri"), max_length=80)
    last_name = models.CharField(_("Mbiemri"), max_length=80)
    phone = models.CharField(_("Telefoni"), max_length=20, blank=True, help_text="E.164")
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

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


class Address(models.Model):
    """A delivery address in a customer's address book."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    municipality = models.CharField(
        _("Qyteti / bashkia"), max_length=32, choices=Municipality.choices
    )
    street = models.CharField(_("Rruga dhe numri"), max_length=200)
    courier_notes = models.CharField(_("Shënime për korrierin"), max_length=300, blank=True)
    is_default = models.BooleanField(_("Adresa kryesore"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adresë")
        verbose_name_plural = _("adresat")
        ordering = ["-is_default", "-created_at"]

    def __str__(self) -> str:
        return f"{self.street}, {self.get_municipality_display()}"
