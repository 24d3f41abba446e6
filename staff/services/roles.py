"""The roles as groups: code is their only writer."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from privacy.roles import ROLE_PERMISSIONS, Role


def _permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def roles_sync() -> list[Group]:
    """Create one group per role and give it exactly the permissions the code lists."""
    groups = []
    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        group.permissions.set([_permission(name) for name in ROLE_PERMISSIONS[role]])
        groups.append(group)
    return groups
