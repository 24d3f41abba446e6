"""accounts.User's columns with the personal ones in clear: what the list costs without P6."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Language


class PlainCustomer(models.Model):
    """A customer row as it would be without encryption: no seal id, no blind indexes.

    Email is unique and phone indexed, as a plain user table would have them; the
    columns the changelist reads are the same as accounts.User's.
    """

    password = models.CharField(max_length=128)
    last_login = models.DateTimeField(null=True, blank=True)
    is_superuser = models.BooleanField(default=False)
    email = models.EmailField("Email", max_length=254, unique=True)
    first_name = models.CharField("Emri", max_length=80)
    last_name = models.CharField("Mbiemri", max_length=80)
    phone = models.CharField("Telefoni", max_length=20, blank=True, db_index=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ALBANIAN)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    is_staff = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    groups = models.ManyToManyField(Group, blank=True, related_name="plain_customers")

    # Declared, because the type checker's settings do not install this bench-only app.
    objects: models.Manager[PlainCustomer] = models.Manager()

    class Meta:
        app_label = "plain_customers"
        # The same index accounts.User has for the changelist's newest-first order.
        indexes = [models.Index(fields=["-date_joined", "-id"], name="plain_newest_first")]

    def __str__(self) -> str:
        return gettext("Llogaria #%(id)s") % {"id": self.pk}
