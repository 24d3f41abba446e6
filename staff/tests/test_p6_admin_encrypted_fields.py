"""P6/P14: no back-office list searches, filters or sorts by an encrypted column.

Ciphertext refuses every lookup but exact-by-instance (privacy/fields.py): a search box
that runs ``icontains`` on one answers 500, and a sort by one orders by ciphertext. The
walk covers every ModelAdmin on the site, ours and third parties' alike, and follows
relations (``user__email``) and a relation's default ordering.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin import ModelAdmin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.tests.factories import UserFactory
from privacy.fields import EncryptedCharField
from privacy.roles import Role
from staff.tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

# A relation's default ordering may itself sort by a relation; this deep is plenty.
MAX_ORDERING_DEPTH = 3


def _touches_encrypted(
    model: type[models.Model], path: str, *, sorts: bool = False, depth: int = 0
) -> bool:
    """Return whether ``path`` (``user__email__icontains``) reaches an encrypted column.

    With ``sorts``, a path ending at a relation orders by the related model's default
    ordering, which is followed too.
    """
    opts = model._meta
    field: Any = None
    for part in path.lstrip("-").split(LOOKUP_SEP):
        try:
            field = opts.pk if part == "pk" else opts.get_field(part)
        except FieldDoesNotExist:
            return False  # the rest is a lookup or transform on the field before
        if isinstance(field, EncryptedCharField):
            return True
        if not field.is_relation:
            return False
        opts = field.related_model._meta
    if sorts and field is not None and field.is_relation and depth < MAX_ORDERING_DEPTH:
        related = field.related_model
        return any(
            _touches_encrypted(related, str(order), sorts=True, depth=depth + 1)
            for order in related._meta.ordering or ()
            if isinstance(order, str)
        )
    return False


def _ordering_path(order: Any) -> str | None:
    """Return the field path an ``admin_order_field`` or ``ordering`` entry sorts by."""
    if isinstance(order, str):
        return order
    expression = getattr(order, "expression", order)  # OrderBy(F("x")) or F("x")
    name = getattr(expression, "name", None)
    return name if isinstance(name, str) else None


def _column_sort(model_admin: ModelAdmin, name: Any) -> str | None:  # type: ignore[type-arg]
    """Return what sorting by a list_display column orders by, as ChangeList decides."""
    model = model_admin.model
    if callable(name):
        return _ordering_path(getattr(name, "admin_order_field", None))
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        pass
    else:
        return str(name)
    if LOOKUP_SEP in name:
        return str(name)  # a related field shown directly sorts by that path
    attr = getattr(model_admin, name, None) or getattr(model, name, None)
    if isinstance(attr, property):
        attr = attr.fget
    return _ordering_path(getattr(attr, "admin_order_field", None))


def _queried_paths(model_admin: ModelAdmin, request: Any) -> Iterator[tuple[str, str, bool]]:  # type: ignore[type-arg]
    """Yield (where, path, sorts) for everything a changelist may query by."""
    for field in model_admin.get_search_fields(request):
        yield "search_fields", str(field).lstrip("^=@"), False
    for entry in model_admin.get_list_filter(request):
        if isinstance(entry, str):
            yield "list_filter", entry, False
        elif isinstance(entry, tuple | list):
            yield "list_filter", str(entry[0]), False
    for order in model_admin.get_ordering(request) or ():
        path = _ordering_path(order)
        if path:
            yield "ordering", path, True
    if model_admin.date_hierarchy:
        yield "date_hierarchy", str(model_admin.date_hierarchy), False
    sortable = model_admin.get_sortable_by(request)
    for column in model_admin.get_list_display(request):
        if column in sortable:
            path = _column_sort(model_admin, column)
            if path:
                yield "list_display", path, True


def test_p6_no_admin_searches_filters_or_sorts_by_an_encrypted_field() -> None:
    # given every ModelAdmin on the back office, seen by a superuser
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    # when everything each one may query by is followed to its column
    touching = [
        f"{model._meta.label}.{where}: {path}"
        for model, model_admin in admin.site._registry.items()
        for where, path, sorts in _queried_paths(model_admin, request)
        if _touches_encrypted(model, path, sorts=sorts)
    ]
    # then none reaches ciphertext
    assert touching == []


def test_p6_the_walk_finds_what_django_otp_searched() -> None:
    from accounts.models import User
    from orders.models import Order

    assert _touches_encrypted(TOTPDevice, "user__email")
    assert _touches_encrypted(Order, "-delivery_name")
    assert _touches_encrypted(Order, "customer__email__icontains")
    assert not _touches_encrypted(Order, "customer__email_index")
    assert not _touches_encrypted(User, "is_staff__exact")


def test_p14_totp_device_search_answers_without_error(client: Client) -> None:
    # given two staff members with authenticator devices
    administrator = StaffFactory(role=Role.ADMINISTRATOR, is_superuser=True)
    sought, other = StaffFactory(), StaffFactory()
    TOTPDevice.objects.create(user=sought, name="TOTP", confirmed=True)
    TOTPDevice.objects.create(user=other, name="TOTP", confirmed=True)
    client.force_login(administrator)
    url = reverse("admin:otp_totp_totpdevice_changelist")
    # when the device list is searched by text, by exact email and by account number
    by_text = client.get(url, {"q": "x"})
    by_email = client.get(url, {"q": sought.email})
    by_number = client.get(url, {"q": str(sought.pk)})
    # then each answers, and the exact ones find only the sought staff member's device
    assert by_text.status_code == 200
    for response in (by_email, by_number):
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1
        assert response.context["cl"].result_list[0].user_id == sought.pk
