"""Permissions are named by each app's enum (`<app>/permissions.py`), never by loose strings."""

from __future__ import annotations

import enum
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission

from privacy.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def _permission_enums() -> list[type[enum.StrEnum]]:
    """Return the permission enums that the project's own apps declare."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.permissions"
        if Path(config.path).parent != settings.BASE_DIR or find_spec(name) is None:
            continue
        module = import_module(name)
        found += [
            value
            for value in vars(module).values()
            if isinstance(value, type)
            and issubclass(value, enum.StrEnum)
            and value.__module__ == name
        ]
    return found


def _existing() -> set[str]:
    rows = Permission.objects.values_list("content_type__app_label", "codename")
    return {f"{app_label}.{codename}" for app_label, codename in rows}


def test_p5_every_permission_enum_member_names_a_real_permission():
    enums = _permission_enums()
    assert enums, "no <app>/permissions.py found"
    existing = _existing()
    missing = [
        f"{kind.__name__}.{member.name}"
        for kind in enums
        for member in kind
        if member not in existing
    ]
    assert not missing


def test_p5_every_role_permission_is_an_enum_member():
    enums = tuple(_permission_enums())
    loose = [
        (role, permission)
        for role in Role
        for permission in ROLE_PERMISSIONS[role]
        if not isinstance(permission, enums)
    ]
    assert not loose


def test_p5_every_permission_a_model_declares_has_an_enum_member():
    named = {member.value for kind in _permission_enums() for member in kind}
    declared = {
        f"{model._meta.app_label}.{codename}"
        for model in apps.get_models()
        for codename, _label in model._meta.permissions
    }
    assert declared <= named
