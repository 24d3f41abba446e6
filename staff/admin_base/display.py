"""What every back-office page shares: how a moment reads, typed object URLs, records."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import dateformat, timezone

# How the storefront writes a moment (the account's orders, its access record), so the
# back office reads the same: 27.11.2026 11:00. Django's own admin fields and history
# read it through the format modules (core.formats).
from core.formats import SITE_DATETIME_FORMAT


def datetime_shown(value: datetime | None) -> str:
    """Return a moment in local time as the site shows it, or a dash when there is none."""
    if value is None:
        return "—"
    return dateformat.format(timezone.localtime(value), SITE_DATETIME_FORMAT)


def object_id_path(model: type[models.Model], suffix: str) -> str:
    """Return an admin URL pattern whose object id is typed like the model's key.

    A junk id then answers 404 from the URL resolver instead of reaching a query.
    """
    key = model._meta.pk
    if isinstance(key, models.UUIDField):
        converter = "uuid"
    elif isinstance(key, models.AutoField | models.BigAutoField | models.IntegerField):
        converter = "int"
    else:
        converter = "str"
    return f"<{converter}:object_id>/{suffix}"


class ReadOnlyAdmin:
    """For records nobody edits from the back office: what happened stays as it happened."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
