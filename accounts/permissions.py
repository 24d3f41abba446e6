"""The accounts app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class AccountPermission(enum.StrEnum):
    VIEW_USER = "accounts.view_user"
    CHANGE_USER = "accounts.change_user"
    VIEW_ADDRESS = "accounts.view_address"


role_permissions_grant(
    {
        Role.CUSTOMER_CARE: [AccountPermission.VIEW_USER, AccountPermission.VIEW_ADDRESS],
        Role.DATA_PROTECTION_OFFICER: [AccountPermission.VIEW_USER, AccountPermission.VIEW_ADDRESS],
        Role.ADMINISTRATOR: [
            AccountPermission.VIEW_USER,
            AccountPermission.CHANGE_USER,
            AccountPermission.VIEW_ADDRESS,
        ],
    }
)
