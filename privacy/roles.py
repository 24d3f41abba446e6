"""Staff roles, the vocabulary of who may see what (P5); records name staff by them.

The roles are groups kept in step by `staff.services.roles_sync`. What each role may
see is the staff app's (`staff.access.ROLE_MATRIX`); what it may do, each app grants
in its permissions.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER_CARE = "customer_care", _("Kujdesi ndaj klientit")
    SALES = "sales", _("Shitje")
    MARKETING = "marketing", _("Marketing")
    DATA_PROTECTION_OFFICER = "dpo", _("Zyrtari i mbrojtjes së të dhënave")
    ADMINISTRATOR = "administrator", _("Administrator")


def staff_roles(staff: Any) -> frozenset[Role]:
    """Return the roles of a staff member; a superuser without a role is an administrator."""
    if not getattr(staff, "is_staff", False) or not staff.is_active:
        return frozenset()
    cached = getattr(staff, "_staff_roles", None)
    if cached is None:
        names = set(staff.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if not cached and staff.is_superuser:
            cached = frozenset({Role.ADMINISTRATOR})
        staff._staff_roles = cached
    return cached  # type: ignore[no-any-return]


def roles_label(roles: Iterable[Role]) -> str:
    """Return the label the access record keeps for a staff actor: their roles, not a name."""
    return ",".join(sorted(role.value for role in roles))


# What each role may do, granted by each app in its permissions.py (found at start-up,
# see CoreConfig); `staff.services.roles_sync` gives the groups exactly these.
ROLE_PERMISSIONS: dict[Role, list[str]] = {role: [] for role in Role}


def role_permissions_grant(grants: Mapping[Role, Iterable[str]]) -> None:
    """Give roles permissions of the calling app; call it from that app's permissions.py."""
    for role, permissions in grants.items():
        held = ROLE_PERMISSIONS[role]
        held.extend(permission for permission in permissions if permission not in held)
