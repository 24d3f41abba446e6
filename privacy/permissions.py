"""The privacy app's permissions, by the full name `has_perm` takes."""

from __future__ import annotations

import enum

from privacy.roles import Role, role_permissions_grant


class PrivacyPermission(enum.StrEnum):
    VIEW_ACCESS_ENTRY = "privacy.view_accessentry"


role_permissions_grant(
    {
        Role.DATA_PROTECTION_OFFICER: [PrivacyPermission.VIEW_ACCESS_ENTRY],
        Role.ADMINISTRATOR: [PrivacyPermission.VIEW_ACCESS_ENTRY],
    }
)
