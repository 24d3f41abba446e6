"""The breach register's permissions (P14): the data-protection officer's alone."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class BreachPermission(enum.StrEnum):
    VIEW = "breaches.view_breach"
    ADD = "breaches.add_breach"
    # Record the IDP's notification, the people, the notices, the lessons; close.
    CHANGE = "breaches.change_breach"


role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [
            BreachPermission.VIEW,
            BreachPermission.ADD,
            BreachPermission.CHANGE,
        ],
    }
)
