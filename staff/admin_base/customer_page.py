"""The registration point for lists on the back office's customer page (its orders, its cases)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.http import HttpRequest
from django.urls import reverse

from privacy.registry import registry


class CustomerPageInline(admin.TabularInline):  # type: ignore[type-arg]
    """A read-only list, on the customer page, of records that are the customer's own.

    It lists no personal field (a number, a date, a status, an amount), so whatever the
    page masks stays masked and nothing is revealed or recorded; and it shows only to
    staff holding `view_permission`. Apps register theirs with `customer_page_inline_add`.
    """

    extra = 0
    can_delete = False
    # A record's page on the site is the customer's own: staff have nothing to see there.
    view_on_site = False
    view_permission: str = ""

    def record_url(self, obj: models.Model) -> str:
        """Return the admin page of one listed record."""
        info = self.opts.app_label, self.opts.model_name
        return reverse("admin:{}_{}_change".format(*info), args=[obj.pk])

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(self.view_permission) and request.user.has_perm(self.view_permission)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_customer_page_inlines: list[type[CustomerPageInline]] = []


def customer_page_inline_add(inline: type[CustomerPageInline]) -> type[CustomerPageInline]:
    """Show `inline` on the customer page of the back office (usable as a decorator).

    The app that owns the records registers them from its admin.py, so staff never
    imports it.
    """
    if inline not in _customer_page_inlines:
        _customer_page_inlines.append(inline)
    return inline


def customer_page_inlines() -> list[type[CustomerPageInline]]:
    """Return the lists other apps registered for the customer page, in import order.

    A list naming a personal field is refused here rather than when registered: admin
    modules load before the personal-data declarations do.
    """
    for inline in _customer_page_inlines:
        personal = set(registry.fields_of(inline.model)) & set(inline.fields or ())
        if personal:
            raise ImproperlyConfigured(
                f"{inline.__name__} lists personal fields on the customer page: {sorted(personal)}"
            )
    return list(_customer_page_inlines)
